// File: web/http.h
//
// The project's own HTTP value types. Handlers, middleware and tests use these;
// only web/server.cc knows about Boost.Beast.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/utf8.h"

namespace web {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method m);
Method ParseMethod(std::string_view name);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: path plus optional "?query"
  std::string path;    // percent-decoded path, without the query
  std::string query;   // raw query string, without '?'
  HeaderList headers;  // names in lower case
  std::string body;
  // The client's address: the peer's, or X-Real-IP from a trusted proxy (see
  // ServerOptions::trusted_proxies). For per-client limits in memory only:
  // never logged or stored.
  std::string remote_ip;
  bool tls = false;
  // Filled by the router from "{name}" segments of the matched pattern.
  std::map<std::string, std::string, std::less<>> path_params;

  // First header with this (lower-case) name, or "".
  std::string_view Header(std::string_view lower_name) const;
  std::string_view PathParam(std::string_view name) const;
  // Value of a cookie from the Cookie header, if present.
  std::optional<std::string> Cookie(std::string_view name) const;
  // Decoded query parameter (first occurrence), if present.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  HeaderList headers;
  std::string body;
  // Hold the response back this long without holding a worker thread: slows
  // down guessing (e.g. reporter codes) for everyone alike, so the timing of
  // an answer tells nothing and no one is ever locked out.
  std::chrono::milliseconds delay{0};

  static Response Html(int status, std::string body);
  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
  // 303 See Other: the Post/Redirect/Get pattern after a form submission.
  static Response Redirect(std::string location, int status = 303);

  // Replaces any header with the same (case-insensitive) name.
  void SetHeader(std::string_view name, std::string value);
  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  std::string_view Header(std::string_view name) const;
};

// Parses "a=1&b=x%20y" (application/x-www-form-urlencoded or a query string)
// into ordered pairs. Invalid percent escapes are kept literally; the result is
// not UTF-8-validated here (see IsValidUtf8).
std::vector<std::pair<std::string, std::string>> ParseUrlEncoded(std::string_view input);
std::string UrlDecode(std::string_view in, bool plus_is_space);
std::string UrlEncode(std::string_view in);

using common::IsValidUtf8;

// Form fields from a urlencoded body: the first value of each name plus all
// values for multi-valued names (checkbox groups).
class Form {
 public:
  Form() = default;
  explicit Form(std::string_view urlencoded_body);
  explicit Form(std::vector<std::pair<std::string, std::string>> fields);
  std::string Get(std::string_view name) const;  // "" when absent
  bool Has(std::string_view name) const;
  std::vector<std::string> GetAll(std::string_view name) const;
  // False when any name or value is not valid UTF-8.
  bool valid_utf8() const { return valid_utf8_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
  bool valid_utf8_ = true;
};

// One uploaded file of a multipart/form-data body. `filename` is what the
// browser sent: use it only to check the extension, never as a path.
struct FilePart {
  std::string field;
  std::string filename;
  std::string bytes;
};

// Parses a multipart/form-data body (RFC 7578) whose boundary comes from
// `content_type`. Text parts become `fields`, parts with a filename become
// `files`. False on any malformed input (no boundary, missing final
// delimiter, bad part headers); nothing is then returned.
bool ParseMultipart(std::string_view content_type, std::string_view body, Form* fields,
                    std::vector<FilePart>* files);

}  // namespace web
