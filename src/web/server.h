// File: web/server.h
//
// The HTTP/1.1 server. This header is Beast-free; the implementation in
// server.cc is the only file in the project that includes Boost.Beast/Asio.
//
// Defences against slow and abusive clients are on by default: a deadline for
// reading the whole header (a client that dribbles bytes cannot hold a thread;
// an idle connection costs only a few KB), a total header-size limit, a
// per-route body limit checked before the body is read, a keep-alive idle
// timeout, a cap on connections, and a bounded worker queue that answers 503
// instead of queueing without end.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "web/http.h"

namespace web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port; see Server::port()
  int io_threads = 2;
  int worker_threads = 8;          // blocking handler work (database calls)
  size_t max_queued_requests = 2048;
  size_t max_connections = 8192;
  size_t header_limit_bytes = 16 * 1024;
  std::chrono::seconds header_timeout{10};  // whole header, first request
  std::chrono::seconds idle_timeout{15};    // keep-alive wait for the next request
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds shutdown_grace{10};
  unsigned max_requests_per_connection = 10000;
  bool tls_in_front = false;  // set when TLS terminates at a proxy in front
};

// What the application tells the server about a request once its header is in.
struct RequestPlan {
  size_t max_body_bytes = 64 * 1024;
  bool run_inline = false;
};

struct ServerHooks {
  // Called with method and target after the header is read.
  std::function<RequestPlan(Method, std::string_view target)> plan;
  // Produces the response. Exceptions are caught and become a 500.
  std::function<Response(Request&)> handle;
  // Builds the response for errors the server detects itself (400, 413, 431,
  // 503, 500), so they carry the same headers and pages as any other.
  std::function<Response(int status)> error_page;
};

class Server {
 public:
  Server(ServerOptions options, ServerHooks hooks);
  // Stop() throws only if joining an I/O thread fails (a broken invariant);
  // terminating then is right. NOLINTNEXTLINE(bugprone-exception-escape)
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting on background threads.
  common::Status Start();
  // The bound port (useful with port 0).
  uint16_t port() const;
  // Stops accepting, lets in-flight requests finish (up to shutdown_grace),
  // closes idle connections, and joins all threads. Safe to call twice.
  void Stop();

 public:
  class Impl;  // public only so server.cc's connection class can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace web
