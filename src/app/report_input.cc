#include "app/report_input.h"

namespace app {

namespace {

using common::Status;
using common::StatusOr;
using nlohmann::json;

StatusOr<std::string> OptionalString(const json& obj, const char* key, const std::string& field) {
  if (!obj.contains(key) || obj[key].is_null()) return std::string();
  if (!obj[key].is_string()) return Status::InvalidArgument("must be a string", field);
  return obj[key].get<std::string>();
}

// At most 40 bytes of an unknown value for an error message, cut before a
// UTF-8 continuation byte: a cut character would make the JSON error body
// invalid (nlohmann's dump() throws, and the client got a 500 for a 400).
std::string Excerpt(const std::string& s) {
  size_t cut = std::min<size_t>(s.size(), 40);
  while (cut > 0 && cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

template <typename E>
StatusOr<std::vector<E>> ParseNames(const std::vector<std::string>& names,
                                    std::optional<E> (*parse)(std::string_view),
                                    const std::string& field) {
  std::vector<E> out;
  for (const std::string& n : names) {
    auto v = parse(n);
    if (!v) return Status::InvalidArgument("unknown value '" + Excerpt(n) + "'", field);
    if (std::find(out.begin(), out.end(), *v) == out.end()) out.push_back(*v);
  }
  return out;
}

StatusOr<std::vector<std::string>> StringArray(const json& body, const char* key) {
  std::vector<std::string> out;
  if (!body.contains(key) || body[key].is_null()) return out;
  if (!body[key].is_array()) return Status::InvalidArgument("must be a list", key);
  for (const json& v : body[key]) {
    if (!v.is_string()) return Status::InvalidArgument("must be a list of strings", key);
    out.push_back(v.get<std::string>());
  }
  return out;
}

Status ParseOccurredOn(const std::string& text, domain::ReportDraft& d) {
  if (text.empty()) return Status::Ok();
  auto date = domain::ParseDate(text);
  if (!date) return Status::InvalidArgument("must be a date as YYYY-MM-DD", "occurred_on");
  d.occurred_on = *date;
  return Status::Ok();
}

Status ParseLevel(const std::string& text, domain::Programme& p) {
  if (text.empty()) return Status::Ok();
  if (text.size() != 1 || text[0] < '1' || text[0] > '4')
    return Status::InvalidArgument("must be between 1 and 4", "programme.level");
  p.level = text[0] - '0';
  return Status::Ok();
}

Status ProgrammeFromJson(const json& body, domain::Programme& p) {
  if (!body.contains("programme") || body["programme"].is_null()) return Status::Ok();
  const json& j = body["programme"];
  if (!j.is_object()) return Status::InvalidArgument("must be an object", "programme");
  SP_ASSIGN_OR_RETURN(p.crebo, OptionalString(j, "crebo", "programme.crebo"));
  SP_ASSIGN_OR_RETURN(p.pathway, OptionalString(j, "pathway", "programme.pathway"));
  SP_ASSIGN_OR_RETURN(p.location, OptionalString(j, "location", "programme.location"));
  if (j.contains("level") && !j["level"].is_null()) {
    if (!j["level"].is_number_integer())
      return Status::InvalidArgument("must be a whole number", "programme.level");
    SP_RETURN_IF_ERROR(ParseLevel(std::to_string(j["level"].get<int64_t>()), p));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<domain::ReportDraft> DraftFromJson(const json& body) {
  domain::ReportDraft d;
  SP_ASSIGN_OR_RETURN(std::string mode, OptionalString(body, "mode", "mode"));
  auto parsed_mode = domain::ParseReportMode(mode);
  if (!parsed_mode)
    return Status::InvalidArgument("must be anonymous, confidential or named", "mode");
  d.mode = *parsed_mode;
  SP_ASSIGN_OR_RETURN(std::string phase, OptionalString(body, "phase", "phase"));
  auto parsed_phase = domain::ParsePhase(phase);
  if (!parsed_phase) return Status::InvalidArgument("must be search or internship", "phase");
  d.phase = *parsed_phase;
  SP_ASSIGN_OR_RETURN(auto grounds, StringArray(body, "grounds"));
  SP_ASSIGN_OR_RETURN(d.grounds,
                      ParseNames<domain::Ground>(grounds, domain::ParseGround, "grounds"));
  SP_ASSIGN_OR_RETURN(auto actors, StringArray(body, "actors"));
  SP_ASSIGN_OR_RETURN(d.actors, ParseNames<domain::Actor>(actors, domain::ParseActor, "actors"));
  if (body.contains("narrative") && !body["narrative"].is_string()) {
    return Status::InvalidArgument("must be a string", "narrative");
  }
  SP_ASSIGN_OR_RETURN(d.narrative, OptionalString(body, "narrative", "narrative"));
  SP_ASSIGN_OR_RETURN(std::string occurred, OptionalString(body, "occurred_on", "occurred_on"));
  SP_RETURN_IF_ERROR(ParseOccurredOn(occurred, d));
  if (body.contains("company") && !body["company"].is_null()) {
    const json& c = body["company"];
    if (!c.is_object()) return Status::InvalidArgument("must be an object", "company");
    SP_ASSIGN_OR_RETURN(d.company.leerbedrijf_id,
                        OptionalString(c, "leerbedrijf_id", "company.leerbedrijf_id"));
    SP_ASSIGN_OR_RETURN(d.company.kvk, OptionalString(c, "kvk", "company.kvk"));
    SP_ASSIGN_OR_RETURN(d.company.name, OptionalString(c, "name", "company.name"));
  }
  SP_ASSIGN_OR_RETURN(auto wishes, StringArray(body, "wishes"));
  SP_ASSIGN_OR_RETURN(d.wishes, ParseNames<domain::Wish>(wishes, domain::ParseWish, "wishes"));
  if (body.contains("consent") && !body["consent"].is_null()) {
    const json& c = body["consent"];
    if (!c.is_object()) return Status::InvalidArgument("must be an object", "consent");
    for (auto& [key, value] : c.items()) {
      auto consent = domain::ParseConsent(key);
      if (!consent)
        return Status::InvalidArgument("unknown consent '" + Excerpt(key) + "'",
                                       "consent." + Excerpt(key));
      if (!value.is_boolean())
        return Status::InvalidArgument("must be true or false", "consent." + key);
      if (value.get<bool>()) d.consents.push_back(*consent);
    }
  }
  if (body.contains("reporter") && !body["reporter"].is_null()) {
    const json& r = body["reporter"];
    if (!r.is_object()) return Status::InvalidArgument("must be an object", "reporter");
    domain::ReporterIdentity id;
    SP_ASSIGN_OR_RETURN(id.name, OptionalString(r, "name", "reporter.name"));
    SP_ASSIGN_OR_RETURN(id.student_number,
                        OptionalString(r, "student_number", "reporter.student_number"));
    SP_ASSIGN_OR_RETURN(id.email, OptionalString(r, "email", "reporter.email"));
    d.reporter = id;
  }
  SP_RETURN_IF_ERROR(ProgrammeFromJson(body, d.programme));
  return d;
}

StatusOr<domain::ReportDraft> DraftFromForm(const web::Form& form) {
  domain::ReportDraft d;
  auto mode = domain::ParseReportMode(form.Get("mode"));
  if (!mode) return Status::InvalidArgument("choose how you want to report", "mode");
  d.mode = *mode;
  auto phase = domain::ParsePhase(form.Get("phase"));
  if (!phase) return Status::InvalidArgument("choose when it happened", "phase");
  d.phase = *phase;
  SP_ASSIGN_OR_RETURN(d.grounds, ParseNames<domain::Ground>(form.GetAll("grounds"),
                                                            domain::ParseGround, "grounds"));
  SP_ASSIGN_OR_RETURN(
      d.actors, ParseNames<domain::Actor>(form.GetAll("actors"), domain::ParseActor, "actors"));
  d.narrative = form.Get("narrative");
  SP_RETURN_IF_ERROR(ParseOccurredOn(form.Get("occurred_on"), d));
  d.company.leerbedrijf_id = form.Get("company_leerbedrijf_id");
  d.company.kvk = form.Get("company_kvk");
  d.company.name = form.Get("company_name");
  SP_ASSIGN_OR_RETURN(d.wishes,
                      ParseNames<domain::Wish>(form.GetAll("wishes"), domain::ParseWish, "wishes"));
  SP_ASSIGN_OR_RETURN(d.consents, ParseNames<domain::Consent>(form.GetAll("consent"),
                                                              domain::ParseConsent, "consent"));
  if (d.mode != domain::ReportMode::kAnonymous) {
    d.reporter = domain::ReporterIdentity{
        form.Get("reporter_name"), form.Get("reporter_student_number"), form.Get("reporter_email")};
  }
  if (auto channel = domain::ParseChannel(form.Get("channel"))) d.channel = *channel;
  d.programme.crebo = form.Get("programme_crebo");
  d.programme.pathway = form.Get("programme_pathway");
  d.programme.location = form.Get("programme_location");
  SP_RETURN_IF_ERROR(ParseLevel(form.Get("programme_level"), d.programme));
  return d;
}

}  // namespace app
