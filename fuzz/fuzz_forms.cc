// Fuzz target: request bodies of HTML forms.
//
// Input: the first line is the Content-Type header, the rest the body. The
// body goes through both parsers the app uses (App::RunRoute picks one by
// Content-Type): urlencoded (web::Form) and multipart/form-data
// (web::ParseMultipart, for attachments and CSV imports). Checks, besides
// memory safety: percent-encoding round-trips, and a parsed form re-encoded
// parses to the same fields.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "web/http.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view content_type = input.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);

  // Percent-encoding is lossless for any bytes.
  Check(web::UrlDecode(web::UrlEncode(body), false) == body);
  Check(web::UrlDecode(web::UrlEncode(body), true) == body);

  // urlencoded: parse, re-encode, parse again: the same fields in order.
  auto fields = web::ParseUrlEncoded(body);
  std::string again;
  for (const auto& [name, value] : fields) {
    if (!again.empty()) again += '&';
    again += web::UrlEncode(name) + "=" + web::UrlEncode(value);
  }
  Check(web::ParseUrlEncoded(again) == fields);
  web::Form form(body);
  for (const auto& [name, value] : fields) {
    Check(form.Has(name));
    Check(!form.GetAll(name).empty());
    (void)form.Get(name);
  }
  Check(form.valid_utf8() == std::all_of(fields.begin(), fields.end(), [](const auto& f) {
          return web::IsValidUtf8(f.first) && web::IsValidUtf8(f.second);
        }));

  // multipart/form-data.
  web::Form parts;
  std::vector<web::FilePart> files;
  if (web::ParseMultipart(content_type, body, &parts, &files)) {
    size_t total = 0;
    for (const auto& f : files) {
      Check(!f.field.empty());
      total += f.bytes.size();
    }
    Check(total <= body.size());
    (void)parts.Get("csrf");
    (void)parts.valid_utf8();
  } else {
    Check(files.empty());
  }
  return 0;
}
