// Fuzz target: raw bytes of an HTTP/1.1 request -> web::Request -> Router.
//
// Beast's parser (with the server's 16 KiB header limit) turns the bytes into
// a message, then the target builds the web::Request the way
// web/server.cc's Session::OnRequest does (the server code itself needs a
// socket, so the few lines are mirrored here; keep them in step), including
// the server's own 400 check, and exercises everything our code does with the
// request: the body-limit plan (App::Hooks' UrlDecode + Router::Find), route
// matching with path parameters, headers, cookies and query parameters.
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "web/http.h"
#include "web/router.h"

namespace {

namespace http = boost::beast::http;

// A route table with every shape the app uses: literals, one or two
// parameters, the same path under GET and POST, a prefix of another route.
const web::Router& TestRouter() {
  static const web::Router* router = [] {
    auto* r = new web::Router();
    auto ok = [](web::Request&) { return web::Response::Text(200, "ok"); };
    const char* gets[] = {"/", "/healthz", "/login", "/melden", "/melding", "/assets/{file}",
                          "/lang/{code}", "/invite/{token}", "/meldpunt/zaken/{id}",
                          "/meldpunt/zaken/{id}/bijlagen/{file}", "/s/{brin}/melden",
                          "/stagematching/rondes/{id}", "/studenten/{student}",
                          "/api/v1/openapi.json", "/api/v1/reporter/case",
                          "/api/v1/schools/{brin}/stats/reports"};
    const char* posts[] = {"/login", "/login/totp", "/melden", "/melding/bericht",
                           "/meldpunt/zaken/{id}/status", "/meldpunt/zaken/{id}/nazorg/{task}",
                           "/admin/users/{id}/disable", "/api/v1/schools/{brin}/reports",
                           "/api/v1/reporter/session", "/stagematching/import"};
    for (const char* p : gets) r->Get(p, ok, {.run_inline = p[1] == 'a'});
    for (const char* p : posts) r->Post(p, ok, {.max_body_bytes = 11 * 1024 * 1024});
    return r;
  }();
  return *router;
}

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const web::Router& router = TestRouter();

  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);  // web::ServerOptions::header_limit_bytes
  parser.eager(false);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec || !parser.is_header_done()) return 0;

  // App::Hooks().plan: the body limit of the route, decided from the header.
  const auto& header = parser.get();
  web::Method method = web::ParseMethod(
      std::string_view(header.method_string().data(), header.method_string().size()));
  std::string_view target(header.target().data(), header.target().size());
  std::string plan_path = web::UrlDecode(target.substr(0, target.find('?')), false);
  auto plan = router.Find(method, plan_path, nullptr);
  size_t body_limit = plan.route ? plan.route->options.max_body_bytes : 64 * 1024;
  if (auto len = parser.content_length(); len && *len > body_limit) return 0;  // 413
  parser.body_limit(body_limit);
  bytes.remove_prefix(used);
  while (!parser.is_done() && !bytes.empty()) {
    used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec) return 0;
    if (used == 0) break;
    bytes.remove_prefix(used);
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }

  // Session::OnRequest.
  auto raw = parser.release();
  web::Request req;
  req.method = web::ParseMethod(std::string_view(raw.method_string().data(),
                                                 raw.method_string().size()));
  req.target = std::string(raw.target());
  size_t q = req.target.find('?');
  req.path = web::UrlDecode(std::string_view(req.target).substr(0, q), false);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  for (const auto& field : raw) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  req.body = std::move(raw.body());
  Check(req.body.size() <= body_limit);
  if (req.path.empty() || req.path.front() != '/' || req.path.find('\0') != std::string::npos ||
      !web::IsValidUtf8(req.path)) {
    return 0;  // 400
  }

  // App::Dispatch: the route, its parameters, and what handlers read.
  auto match = router.Find(req.method, req.path, &req);
  Check(match.route == nullptr || match.path_exists);
  if (match.route) {
    for (const auto& [name, value] : req.path_params) {
      Check(!value.empty());
      Check(req.PathParam(name) == value);
    }
  }
  (void)req.Header("content-type");
  (void)req.Header("authorization");
  (void)req.Cookie("sid");
  (void)req.Cookie("__Host-sid");
  (void)req.Cookie("sp_key");
  (void)req.QueryParam("page");
  (void)req.QueryParam("q");
  for (const auto& [name, value] : web::ParseUrlEncoded(req.query)) {
    auto first = req.QueryParam(name);
    Check(first.has_value());
  }
  return 0;
}
