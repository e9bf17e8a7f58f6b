// File: web/router.h
//
// A segment-matching router: patterns like "/api/v1/schools/{brin}/reports".
// No regular expressions touch request data (libstdc++ regex recursion is a
// known stack-overflow vector). The route table is also the source of the
// authorization-matrix tests, so every route carries its metadata here.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "web/http.h"

namespace web {

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  // A report route: nothing about the reporter leaves the handler. (The
  // access log records no client address on any route.)
  bool sensitive = false;
  // Largest accepted request body for this route.
  size_t max_body_bytes = 64 * 1024;
  // Cheap, non-blocking handlers (static assets) run on the I/O thread.
  bool run_inline = false;
};

struct Route {
  Method method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
  std::vector<std::string> segments;  // pattern split on '/'
};

class Router {
 public:
  void Add(Method method, std::string pattern, Handler handler, RouteOptions options = {});
  void Get(std::string pattern, Handler h, RouteOptions o = {}) {
    Add(Method::kGet, std::move(pattern), std::move(h), o);
  }
  void Post(std::string pattern, Handler h, RouteOptions o = {}) {
    Add(Method::kPost, std::move(pattern), std::move(h), o);
  }

  struct Match {
    const Route* route = nullptr;  // null: no route for this path and method
    bool path_exists = false;      // some route has this path (for 405)
  };
  // Finds the route for `method` and `path`, and fills req.path_params.
  // HEAD falls back to GET.
  Match Find(Method method, std::string_view path, Request* req) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace web
