#include "web/router.h"

namespace web {

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  if (!path.empty() && path.front() == '/') start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool IsParam(std::string_view seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

bool Matches(const Route& route, const std::vector<std::string_view>& parts,
             std::map<std::string, std::string, std::less<>>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (IsParam(seg)) {
      if (parts[i].empty()) return false;
      if (params) (*params)[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::Add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  Route r{method, std::move(pattern), std::move(handler), options, {}};
  for (std::string_view s : SplitPath(r.pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
}

Router::Match Router::Find(Method method, std::string_view path, Request* req) const {
  Match match;
  std::vector<std::string_view> parts = SplitPath(path);
  Method wanted = method == Method::kHead ? Method::kGet : method;
  for (const Route& route : routes_) {
    if (!Matches(route, parts, nullptr)) continue;
    match.path_exists = true;
    if (route.method != wanted) continue;
    if (req) {
      req->path_params.clear();
      Matches(route, parts, &req->path_params);
    }
    match.route = &route;
    return match;
  }
  return match;
}

}  // namespace web
