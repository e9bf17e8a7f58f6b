// Fuzz target: a report as the API (POST /api/v1/schools/{brin}/reports) and
// the web form (POST /melden) receive it.
//
// The API path mirrors App's ParseJsonBody (UTF-8 check, nlohmann parse
// without exceptions, object only), then app::DraftFromJson and
// domain::ValidateReport, and finally serialises any error the way
// app::JsonError does: nlohmann's dump() throws on invalid UTF-8, so an error
// message that cuts a multi-byte character would become a 500. The same bytes
// are also read as a urlencoded form through app::DraftFromForm.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/report_input.h"
#include "common/utf8.h"
#include "domain/meldpunt.h"
#include "web/http.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

// 2026-11-23, fixed so that the target is deterministic.
constexpr domain::Date kToday{20780};

// What app::JsonErrorFor puts into the response body.
void SerialiseError(const common::Status& s) {
  Check(!s.ok());
  nlohmann::json err = {{"code", "invalid_argument"}, {"message", s.message()}};
  if (!s.field().empty()) err["field"] = s.field();
  std::string body = nlohmann::json{{"error", err}}.dump();
  Check(common::IsValidUtf8(body));
}

void Validate(const common::StatusOr<domain::ReportDraft>& draft) {
  if (!draft.ok()) return SerialiseError(draft.status());
  common::Status s = domain::ValidateReport(*draft, kToday);
  if (!s.ok()) SerialiseError(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  if (common::IsValidUtf8(body)) {
    nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_discarded() && json.is_object()) Validate(app::DraftFromJson(json));
  }
  web::Form form(body);
  if (form.valid_utf8()) Validate(app::DraftFromForm(form));
  return 0;
}
