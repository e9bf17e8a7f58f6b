-- Referrals that arrive (src/meldpunt/referral.h, docs/referrals.md).
-- Tokens: {{INT}} 64-bit integer, {{BLOB}} bytes, {{STRICT}} SQLite STRICT.

-- Where a school's students can go outside the school, and where the
-- meldpunt hands a case over: the regional anti-discrimination service
-- (ADV; ADVs are regional, so each school sets its own), the school's SBB
-- contact (SBB's public meldpunt when none is set), and whether the
-- Inspectie's vertrouwensinspecteur is mentioned. One row per school, set by
-- the school admin; a school without a row shows the general routes.
CREATE TABLE referral_contacts (
  school_id         TEXT PRIMARY KEY REFERENCES schools(id),
  adv_name          TEXT NOT NULL,
  adv_address       TEXT NOT NULL,
  adv_phone         TEXT NOT NULL,
  adv_email         TEXT NOT NULL,
  adv_website       TEXT NOT NULL,
  sbb_name          TEXT NOT NULL,
  sbb_email         TEXT NOT NULL,
  show_inspectie    {{INT}} NOT NULL,
  updated_at        {{INT}} NOT NULL,
  updated_by        TEXT
){{STRICT}};

-- One hand-over of a case to SBB or the ADV. The summary holds only the
-- parts the student agreed to share; it is sealed with the case key (the
-- handlers and the student read it) and, once sent by mail, a second copy is
-- sealed with a key derived from the link's token, which is stored only as
-- its hash: the database alone opens neither. Goes with its case.
CREATE TABLE referrals (
  id                TEXT PRIMARY KEY,
  school_id         TEXT NOT NULL REFERENCES schools(id),
  case_id           TEXT NOT NULL REFERENCES cases(id),
  destination       TEXT NOT NULL,          -- sbb, adv
  parts             TEXT NOT NULL,          -- comma list of the shared parts
  summary           {{BLOB}} NOT NULL,      -- sealed with the case key
  state             TEXT NOT NULL,          -- draft, agreed, declined, sent
  created_by        TEXT NOT NULL,
  created_at        {{INT}} NOT NULL,
  decided_at        {{INT}},                -- the student agreed or declined
  sent_at           {{INT}},
  sent_by           TEXT,
  delivery          TEXT,                   -- mail, in_person
  token_hash        TEXT UNIQUE,
  token_expires_at  {{INT}},
  token_box         {{BLOB}},               -- the summary sealed with the token's key
  received_at       {{INT}},
  answer            {{BLOB}},               -- the destination's answer, sealed with the case key
  answered_at       {{INT}},
  outcome           TEXT,                   -- taken_up, referred_on, no_action, declined
  follow_up_days    {{INT}} NOT NULL,
  remind_at         {{INT}},
  reminded_at       {{INT}}
){{STRICT}};
CREATE INDEX referrals_case ON referrals(case_id);
CREATE INDEX referrals_remind ON referrals(remind_at);
