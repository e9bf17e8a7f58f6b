-- wrk script: POST /api/v1/schools/{BRIN}/reports (shared/spec/api.md) with a
-- different narrative on every request, counting the replies by status.
--
--   wrk -t2 -c32 -d30s --latency -s bench/load/report-submit.lua http://127.0.0.1:PORT
--
-- Environment: BRIN (default 99DM), DELAY_MS (see below). Every third report is confidential with
-- a reporter identity (so the identity is sealed too); the others anonymous.
-- done() prints "created_201: N" and "other_status: N" (the sum over all
-- threads) and extra latency percentiles, which report-submit.sh reads.

local brin = os.getenv("BRIN") or "99DM"
local path = "/api/v1/schools/" .. brin .. "/reports"
local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }

local grounds = { "origin", "skin_colour", "religion", "gender", "sexual_orientation",
                  "disability", "age", "nationality", "other" }
local phases = { "search", "internship" }
local wishes = { "register_only", "talk", "action_company", "new_placement", "referral" }
local sentences = {
  "Ik kreeg geen reactie op mijn sollicitatie, terwijl mijn klasgenoot wel werd uitgenodigd.",
  "Na het zien van mijn naam zei het bedrijf dat de plek al vergeven was.",
  "Tijdens het gesprek werd gevraagd of ik een hoofddoek zou blijven dragen.",
  "Op mijn stage kreeg ik andere taken dan de andere stagiairs.",
  "Collega's maakten opmerkingen over mijn afkomst tijdens de lunch.",
  "Ik werd niet uitgenodigd voor het teamoverleg, de andere stagiair wel.",
  "De praktijkopleider zei dat klanten liever niet door mij geholpen worden.",
}

-- DELAY_MS: each connection waits this long before its next request, so the
-- offered load is below saturation (about CONNECTIONS * 1000 / (DELAY_MS +
-- latency) per second); wrk measures latency from sending, without the wait.
local delay_ms = tonumber(os.getenv("DELAY_MS") or "")
if delay_ms and delay_ms > 0 then
  function delay() return delay_ms end
end

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  created = 0
  other = 0
  seq = 0
  math.randomseed(tid * 7919 + os.time())
end

local function esc(s)
  return (s:gsub('[%c"\\]', function(ch) return string.format("\\u%04x", ch:byte()) end))
end

function request()
  seq = seq + 1
  local parts = {}
  for i = 1, 3 + (seq % 4) do
    parts[#parts + 1] = sentences[math.random(#sentences)]
  end
  local narrative = string.format("Melding %d-%d: %s", tid, seq, table.concat(parts, " "))
  local g1 = grounds[math.random(#grounds)]
  local g2 = grounds[math.random(#grounds)]
  local body = '{"phase":"' .. phases[1 + seq % 2] .. '","grounds":["' .. g1 .. '","' .. g2 .. '"]' ..
      ',"narrative":"' .. esc(narrative) .. '"' ..
      ',"company":{"name":"Bedrijf ' .. (seq % 50) .. ' B.V."}' ..
      ',"wishes":["' .. wishes[1 + seq % #wishes] .. '"]' ..
      ',"consent":{"contact_company":false,"share_sbb":false,"share_adv":false}'
  if seq % 3 == 0 then
    body = body .. ',"mode":"confidential","reporter":{"name":"Student ' .. tid .. "-" .. seq ..
        '","student_number":"' .. (100000 + seq) .. '","email":"s' .. tid .. "-" .. seq ..
        '@student.example"}}'
  else
    body = body .. ',"mode":"anonymous"}'
  end
  return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
    if other <= 3 then
      io.stderr:write("status " .. status .. ": " .. string.sub(body or "", 1, 200) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("created_201: %d\n", c))
  io.write(string.format("other_status: %d\n", o))
  io.write(string.format("completed: %d in %.2f s\n", summary.requests, summary.duration / 1e6))
  for _, p in ipairs({ 50, 75, 90, 99, 99.9 }) do
    io.write(string.format("latency_p%s_ms: %.2f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("latency_max_ms: %.2f\n", latency.max / 1000))
end
