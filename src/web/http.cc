#include "web/http.h"

#include <algorithm>
#include <cctype>

namespace web {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

Method ParseMethod(std::string_view name) {
  if (name == "GET") return Method::kGet;
  if (name == "HEAD") return Method::kHead;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  if (name == "PATCH") return Method::kPatch;
  if (name == "DELETE") return Method::kDelete;
  if (name == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

std::string_view Request::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return {};
}

std::string_view Request::PathParam(std::string_view name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  std::string_view all = Header("cookie");
  while (!all.empty()) {
    size_t semi = all.find(';');
    std::string_view part = Trim(all.substr(0, semi));
    all = semi == std::string_view::npos ? std::string_view() : all.substr(semi + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    if (Trim(part.substr(0, eq)) == name) return std::string(Trim(part.substr(eq + 1)));
  }
  return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  for (auto& [k, v] : ParseUrlEncoded(query)) {
    if (k == name) return v;
  }
  return std::nullopt;
}

namespace {
Response WithBody(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.SetHeader("Content-Type", std::move(content_type));
  return r;
}
}  // namespace

Response Response::Html(int status, std::string body) {
  return WithBody(status, std::move(body), "text/html; charset=utf-8");
}

Response Response::Json(int status, std::string body) {
  return WithBody(status, std::move(body), "application/json");
}

Response Response::Text(int status, std::string body) {
  return WithBody(status, std::move(body), "text/plain; charset=utf-8");
}

Response Response::Redirect(std::string location, int status) {
  Response r;
  r.status = status;
  r.SetHeader("Location", std::move(location));
  return r;
}

void Response::SetHeader(std::string_view name, std::string value) {
  for (auto& [k, v] : headers) {
    if (IEquals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

std::string_view Response::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return {};
}

std::string UrlDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string UrlEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseUrlEncoded(std::string_view input) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!input.empty()) {
    size_t amp = input.find('&');
    std::string_view part = input.substr(0, amp);
    input = amp == std::string_view::npos ? std::string_view() : input.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view key = part.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    out.emplace_back(UrlDecode(key, true), UrlDecode(value, true));
  }
  return out;
}

Form::Form(std::string_view urlencoded_body) : fields_(ParseUrlEncoded(urlencoded_body)) {
  for (const auto& [k, v] : fields_) {
    if (!IsValidUtf8(k) || !IsValidUtf8(v)) valid_utf8_ = false;
  }
}

std::string Form::Get(std::string_view name) const {
  for (const auto& [k, v] : fields_) {
    if (k == name) return v;
  }
  return {};
}

bool Form::Has(std::string_view name) const {
  return std::any_of(fields_.begin(), fields_.end(),
                     [&](const auto& f) { return f.first == name; });
}

std::vector<std::string> Form::GetAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : fields_) {
    if (k == name) out.push_back(v);
  }
  return out;
}

Form::Form(std::vector<std::pair<std::string, std::string>> fields) : fields_(std::move(fields)) {
  for (const auto& [name, value] : fields_) {
    if (!IsValidUtf8(name) || !IsValidUtf8(value)) valid_utf8_ = false;
  }
}

namespace {

// The value of `name=` in a header parameter list, unquoted.
std::string HeaderParam(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while ((pos = header.find(name, pos)) != std::string_view::npos) {
    bool at_start = pos == 0 || header[pos - 1] == ';' || header[pos - 1] == ' ';
    size_t eq = pos + name.size();
    if (at_start && eq < header.size() && header[eq] == '=') {
      std::string_view rest = header.substr(eq + 1);
      if (!rest.empty() && rest.front() == '"') {
        size_t end = rest.find('"', 1);
        if (end == std::string_view::npos) return "";
        return std::string(rest.substr(1, end - 1));
      }
      size_t end = rest.find(';');
      std::string_view v = rest.substr(0, end);
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      return std::string(v);
    }
    pos = eq;
  }
  return "";
}

}  // namespace

bool ParseMultipart(std::string_view content_type, std::string_view body, Form* fields,
                    std::vector<FilePart>* files) {
  if (content_type.substr(0, 19) != "multipart/form-data") return false;
  std::string boundary = HeaderParam(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 70) return false;
  const std::string delimiter = "--" + boundary;
  std::vector<std::pair<std::string, std::string>> text_parts;
  std::vector<FilePart> file_parts;
  size_t pos = body.find(delimiter);
  if (pos != 0) return false;
  while (true) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") break;  // the final delimiter
    if (body.substr(pos, 2) != "\r\n") return false;
    pos += 2;
    size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) return false;
    std::string_view headers = body.substr(pos, headers_end - pos);
    size_t content_start = headers_end + 4;
    size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) return false;
    std::string name, filename;
    bool has_filename = false;
    size_t line_start = 0;
    while (line_start <= headers.size()) {
      size_t line_end = headers.find("\r\n", line_start);
      std::string_view line =
          headers.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos
                                                                        : line_end - line_start);
      std::string lower;
      for (char ch : line.substr(0, 20))
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower.rfind("content-disposition:", 0) == 0) {
        name = HeaderParam(line, "name");
        has_filename = line.find("filename=") != std::string_view::npos;
        filename = HeaderParam(line, "filename");
      }
      if (line_end == std::string_view::npos) break;
      line_start = line_end + 2;
    }
    if (name.empty()) return false;
    std::string content(body.substr(content_start, next - content_start));
    if (has_filename) {
      if (!filename.empty() || !content.empty())
        file_parts.push_back({name, filename, std::move(content)});
    } else {
      text_parts.emplace_back(std::move(name), std::move(content));
    }
    pos = next + 2;
  }
  *fields = Form(std::move(text_parts));
  *files = std::move(file_parts);
  return true;
}

}  // namespace web
