// File: web/server.h
//
// The HTTP/1.1 server. This header is Beast-free; the implementation in
// server.cc is the only file in the project that includes Boost.Beast/Asio.
//
// Defences against slow and abusive clients are on by default: a deadline for
// reading the whole header (a client that dribbles bytes cannot hold a thread;
// an idle connection costs only a few KB), a total header-size limit, a
// per-route body limit checked before the body is read, a keep-alive idle
// timeout, a cap on connections in total and per client address (so that one
// client cannot take every slot), request bodies spooled to disk encrypted as
// they arrive under a server-wide cap on body bytes in flight (see
// body_spool.h), and a bounded worker queue that answers 503 instead of
// queueing without end.
//
// Client addresses are used for the per-client count and Request::remote_ip
// only: held in memory while the connection lasts, never logged or stored.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

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
  // Open connections from one client address (IPv6: one /64) at a time; the
  // next one is closed at once. High enough for a school behind one NAT
  // address (browsers open up to 6 per site). 0: no limit.
  size_t max_connections_per_client = 64;
  // Peers that are reverse proxies in front of us (e.g. nginx on loopback):
  // exempt from the per-client limit (the proxy limits its clients), and
  // Request::remote_ip is taken from the X-Real-IP header they set. The header
  // is ignored from any other peer.
  std::vector<std::string> trusted_proxies;
  size_t header_limit_bytes = 16 * 1024;
  std::chrono::seconds header_timeout{5};   // whole header, first request
  std::chrono::seconds idle_timeout{15};    // keep-alive wait for the next request
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds shutdown_grace{10};
  unsigned max_requests_per_connection = 10000;
  // Request bodies (memory and spool files) of all connections together; a
  // request whose Content-Length would pass it, or a chunked body that
  // reaches it, gets 503 with Retry-After.
  uint64_t max_body_bytes_in_flight = 256ull * 1024 * 1024;
  // Bodies larger than this are spooled to disk, encrypted, as they arrive.
  size_t body_spool_threshold_bytes = 64 * 1024;
  // Directory for the (unnamed) spool files; "" = the system's temporary directory.
  std::string spool_dir;
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
  // Body bytes reserved by requests being read or handled (for tests and metrics).
  uint64_t body_bytes_in_flight() const;
  // Stops accepting, lets in-flight requests finish (up to shutdown_grace),
  // closes idle connections, and joins all threads. Safe to call twice.
  void Stop();

 public:
  class Impl;  // public only so server.cc's connection class can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace web
