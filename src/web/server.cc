// The only translation unit that includes Boost.Beast/Asio (see server.h).
#include "web/server.h"

#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "web/body_spool.h"

namespace web {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

class Session;

namespace {

// A Beast body that hands every received byte to a BodySpool instead of
// growing a string: memory per connection stays at the spool threshold, and
// the server-wide budget is charged as the bytes arrive.
struct SpoolBody {
  using value_type = std::unique_ptr<BodySpool>;

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>&, beast::error_code& ec) { ec = {}; }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      std::size_t n = 0;
      for (auto b : beast::buffers_range_ref(buffers)) {
        if (!body_ ||
            !body_->Append(std::string_view(static_cast<const char*>(b.data()), b.size())).ok()) {
          // The budget is spent or the spool cannot be written: 503 (see ReadBody).
          ec = net::error::no_buffer_space;
          return n;
        }
        n += b.size();
      }
      ec = {};
      return n;
    }

    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

// An IPv4-mapped IPv6 address (a dual-stack listener's view of an IPv4
// client) as the IPv4 address it is.
net::ip::address Unmapped(const net::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return address;
}

// What the per-client count is keyed on: the address's bytes, and for IPv6
// only the /64 prefix, since one client usually holds a whole /64. Binary,
// held in memory only, never logged.
std::string ClientKey(const net::ip::address& address) {
  if (address.is_v4()) {
    auto bytes = address.to_v4().to_bytes();
    return std::string(bytes.begin(), bytes.end());
  }
  auto bytes = address.to_v6().to_bytes();
  return std::string(bytes.begin(), bytes.begin() + 8);
}

}  // namespace

class Server::Impl : public std::enable_shared_from_this<Server::Impl> {
 public:
  Impl(ServerOptions options, ServerHooks hooks)
      : options_(std::move(options)),
        hooks_(std::move(hooks)),
        acceptor_(ioc_),
        workers_(static_cast<size_t>(options_.worker_threads)),
        budget_(options_.max_body_bytes_in_flight) {}

  common::Status Start();
  void Stop();
  void Accept();

  // Runs `job` on the worker pool unless the queue is full; false then.
  bool TryPostWork(std::function<void()> job) {
    if (queued_.fetch_add(1) >= options_.max_queued_requests) {
      queued_.fetch_sub(1);
      return false;
    }
    net::post(workers_, [this, job = std::move(job)] {
      job();
      queued_.fetch_sub(1);
    });
    return true;
  }

  void Register(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(sessions_mu_);
    sessions_.insert(s);
  }
  void Unregister(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(sessions_mu_);
    sessions_.erase(s);
  }

  // Counts a new connection from `peer`. The key to release when it closes
  // ("" for a trusted proxy, which is not counted), or nullopt when this
  // client already has its maximum of connections.
  std::optional<std::string> AdmitClient(const net::ip::address& peer) {
    if (IsTrustedProxy(peer)) return std::string();
    std::string key = ClientKey(peer);
    std::lock_guard lock(clients_mu_);
    size_t& count = clients_[key];
    if (options_.max_connections_per_client > 0 && count >= options_.max_connections_per_client) {
      if (count == 0) clients_.erase(key);
      return std::nullopt;
    }
    ++count;
    return key;
  }
  void ReleaseClient(const std::string& key) {
    if (key.empty()) return;
    std::lock_guard lock(clients_mu_);
    auto it = clients_.find(key);
    if (it != clients_.end() && --it->second == 0) clients_.erase(it);
  }
  bool IsTrustedProxy(const net::ip::address& peer) const {
    for (const auto& proxy : trusted_) {
      if (proxy == peer) return true;
    }
    return false;
  }

  std::unique_ptr<BodySpool> NewSpool() {
    return std::make_unique<BodySpool>(
        SpoolOptions{.memory_threshold_bytes = options_.body_spool_threshold_bytes,
                     .directory = options_.spool_dir},
        budget_);
  }
  uint64_t body_bytes_in_flight() const { return budget_.used(); }

  const ServerOptions& options() const { return options_; }
  const ServerHooks& hooks() const { return hooks_; }
  bool stopping() const { return stopping_.load(); }
  std::atomic<size_t>& connections() { return connections_; }
  std::atomic<size_t>& in_flight() { return in_flight_; }
  uint16_t port() const { return port_; }

 private:
  ServerOptions options_;
  ServerHooks hooks_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::thread_pool workers_;
  std::vector<std::thread> io_threads_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::atomic<size_t> queued_{0};
  std::atomic<size_t> connections_{0};
  std::atomic<size_t> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  uint16_t port_ = 0;
  std::mutex sessions_mu_;
  std::set<std::shared_ptr<Session>> sessions_;
  std::vector<net::ip::address> trusted_;  // parsed from options_.trusted_proxies
  std::mutex clients_mu_;
  std::unordered_map<std::string, size_t> clients_;  // ClientKey -> open connections
  BodyBudget budget_;
};

// One TCP connection; all its operations run on its own strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // `client_key` is what Server::Impl::AdmitClient counted for this peer.
  Session(tcp::socket socket, std::shared_ptr<Server::Impl> server, net::ip::address peer,
          std::string client_key)
      : stream_(std::move(socket)),
        server_(std::move(server)),
        peer_(std::move(peer)),
        client_key_(std::move(client_key)) {}

  void Start() {
    server_->Register(shared_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Closes the connection if it is waiting for a request (used at shutdown).
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  void ReadHeader() {
    busy_ = false;
    if (server_->stopping()) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options().header_limit_bytes));
    // Beast checks Content-Length against the body limit while it parses the
    // header, before the route is known; the route's own limit is applied in
    // OnHeader, so none here (else every body over Beast's default of 1 MiB
    // would get a bare 400, whatever the route allows).
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(requests_ == 0 ? server_->options().header_timeout
                                         : server_->options().idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(beast::error_code ec) {
    busy_ = true;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return Close();
    }
    if (ec == http::error::header_limit) return SendError(431);
    if (ec) return SendError(400);

    const auto& header = parser_->get();
    Method method = ParseMethod(std::string_view(header.method_string().data(),
                                                 header.method_string().size()));
    std::string_view target(header.target().data(), header.target().size());
    plan_ = server_->hooks().plan ? server_->hooks().plan(method, target) : RequestPlan{};
    if (auto len = parser_->content_length(); len && *len > plan_.max_body_bytes) {
      return SendError(413);
    }
    parser_->body_limit(plan_.max_body_bytes);
    auto& spool = parser_->get().body();
    spool = server_->NewSpool();
    if (auto len = parser_->content_length(); len && !spool->Expect(*len).ok()) {
      return SendError(503);  // too many body bytes in flight: come back later
    }
    if (parser_->is_done()) return OnRequest();

    if (beast::iequals(header[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      stream_.expires_after(server_->options().write_timeout);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code wec, size_t) {
                          if (wec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    stream_.expires_after(server_->options().body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec == http::error::body_limit) return self->SendError(413);
                       if (ec == net::error::no_buffer_space) return self->SendError(503);
                       if (ec == beast::error::timeout || ec == net::error::eof ||
                           ec == http::error::end_of_stream) {
                         return self->Close();
                       }
                       if (ec) return self->SendError(400);
                       self->OnRequest();
                     });
  }

  void OnRequest() {
    ++requests_;
    auto raw = parser_->release();
    auto req = std::make_shared<Request>();
    req->method = ParseMethod(std::string_view(raw.method_string().data(), raw.method_string().size()));
    req->target = std::string(raw.target());
    size_t q = req->target.find('?');
    req->path = UrlDecode(std::string_view(req->target).substr(0, q), false);
    if (q != std::string::npos) req->query = req->target.substr(q + 1);
    std::string real_ip;
    for (const auto& field : raw) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      // X-Real-IP means something only from a trusted proxy; it is consumed
      // here and never reaches a handler.
      if (name == "x-real-ip") {
        if (real_ip.empty()) real_ip = std::string(field.value());
        continue;
      }
      req->headers.emplace_back(std::move(name), std::string(field.value()));
    }
    // The body stays spooled until a worker runs the handler (RunHandler).
    std::shared_ptr<BodySpool> spool = std::move(raw.body());
    req->tls = server_->options().tls_in_front;
    req->remote_ip = peer_.to_string();
    if (server_->IsTrustedProxy(peer_)) {
      beast::error_code ec;
      auto real = net::ip::make_address(real_ip, ec);
      // A proxy that sends no usable X-Real-IP stays its own client.
      if (!ec) req->remote_ip = Unmapped(real).to_string();
    }
    keep_alive_ = raw.keep_alive() && requests_ < server_->options().max_requests_per_connection;
    head_ = req->method == Method::kHead;

    if (req->path.empty() || req->path.front() != '/' ||
        req->path.find('\0') != std::string::npos || !IsValidUtf8(req->path)) {
      return SendError(400);
    }

    server_->in_flight().fetch_add(1);
    if (plan_.run_inline) {
      Respond(RunHandler(*req, spool));
      return;
    }
    bool posted = server_->TryPostWork([self = shared_from_this(), req, spool]() mutable {
      Response res = self->RunHandler(*req, spool);
      spool.reset();  // frees the body's share of the budget (and its spool file)
      net::post(self->stream_.get_executor(),
                [self, res = std::move(res)]() mutable { self->Respond(std::move(res)); });
    });
    if (!posted) {
      server_->in_flight().fetch_sub(1);
      Response busy = ErrorResponse(503);
      busy.SetHeader("Retry-After", "1");
      WriteResponse(std::move(busy));
    }
  }

  // Brings the body into memory (decrypting a spool file) on the thread that
  // runs the handler, then runs it.
  Response RunHandler(Request& req, const std::shared_ptr<BodySpool>& spool) {
    if (spool) {
      auto body = spool->Take();
      if (!body.ok()) return ErrorResponse(500);
      req.body = std::move(*body);
    }
    try {
      return server_->hooks().handle(req);
    } catch (...) {
      return ErrorResponse(500);
    }
  }

  void Respond(Response res) {
    if (res.delay.count() > 0 && !server_->stopping()) {
      auto timer = std::make_shared<net::steady_timer>(stream_.get_executor(), res.delay);
      res.delay = std::chrono::milliseconds(0);
      timer->async_wait([self = shared_from_this(), timer, res = std::move(res)](beast::error_code) mutable {
        self->Respond(std::move(res));
      });
      return;
    }
    server_->in_flight().fetch_sub(1);
    WriteResponse(std::move(res));
  }

  Response ErrorResponse(int status) {
    if (server_->hooks().error_page) {
      try {
        return server_->hooks().error_page(status);
      } catch (...) {
      }
    }
    return Response::Text(status, "Error\n");
  }

  void SendError(int status) {
    keep_alive_ = false;
    head_ = false;
    Response res = ErrorResponse(status);
    if (status == 503) res.SetHeader("Retry-After", "5");
    WriteResponse(std::move(res));
  }

  void WriteResponse(Response res) {
    if (server_->stopping()) keep_alive_ = false;
    auto out = std::make_shared<http::response<http::string_body>>();
    out->version(11);
    out->result(static_cast<unsigned>(res.status));
    for (auto& [name, value] : res.headers) out->insert(name, value);
    out->keep_alive(keep_alive_);
    size_t length = res.body.size();
    if (!head_) out->body() = std::move(res.body);
    out->content_length(length);
    stream_.expires_after(server_->options().write_timeout);
    http::async_write(stream_, *out, [self = shared_from_this(), out](beast::error_code ec, size_t) {
      if (ec || !self->keep_alive_) return self->Close();
      self->ReadHeader();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
    server_->connections().fetch_sub(1);
    server_->ReleaseClient(client_key_);
    server_->Unregister(shared_from_this());
  }

  beast::tcp_stream stream_;
  std::shared_ptr<Server::Impl> server_;
  const net::ip::address peer_;
  const std::string client_key_;  // "" for a trusted proxy
  beast::flat_buffer buffer_;
  // The request being read; a half-read body (its spool and its share of the
  // budget) goes with the Session, once the aborted reads have completed.
  std::optional<http::request_parser<SpoolBody>> parser_;
  RequestPlan plan_;
  unsigned requests_ = 0;
  bool keep_alive_ = false;
  bool head_ = false;
  bool busy_ = false;
  bool closed_ = false;
};

common::Status Server::Impl::Start() {
  beast::error_code ec;
  auto address = net::ip::make_address(options_.host, ec);
  if (ec) return common::Status::InvalidArgument("not an IP address: " + options_.host, "listen");
  tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return common::Status::Unavailable("cannot listen on " + options_.host + ":" +
                                       std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  for (const auto& proxy : options_.trusted_proxies) {
    auto parsed = net::ip::make_address(proxy, ec);
    if (ec) {
      return common::Status::InvalidArgument("not an IP address: " + proxy, "trusted-proxy");
    }
    trusted_.push_back(Unmapped(parsed));
  }
  work_.emplace(net::make_work_guard(ioc_));
  Accept();
  for (int i = 0; i < options_.io_threads; ++i) io_threads_.emplace_back([this] { ioc_.run(); });
  return common::Status::Ok();
}

void Server::Impl::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](
                                                      beast::error_code ec, tcp::socket socket) {
    if (self->stopping()) return;
    if (ec) {
      // EMFILE and friends: back off briefly instead of spinning.
      auto timer = std::make_shared<net::steady_timer>(self->ioc_, std::chrono::milliseconds(50));
      timer->async_wait([self, timer](beast::error_code) { self->Accept(); });
      return;
    }
    beast::error_code peer_ec;
    auto peer = Unmapped(socket.remote_endpoint(peer_ec).address());
    std::optional<std::string> client =
        peer_ec ? std::nullopt : self->AdmitClient(peer);
    if (!client) {
      // Gone already, or this client holds its share of connections: closed
      // at once, so it cannot starve everyone else.
      beast::error_code ignored;
      socket.close(ignored);
    } else if (self->connections_.fetch_add(1) >= self->options_.max_connections) {
      self->connections_.fetch_sub(1);
      self->ReleaseClient(*client);
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(std::move(socket), self, peer, std::move(*client))->Start();
    }
    self->Accept();
  });
}

void Server::Impl::Stop() {
  if (stopped_.exchange(true)) return;
  stopping_ = true;
  net::post(ioc_, [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
  auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(sessions_mu_);
      for (const auto& s : sessions_) s->CloseIfIdle();
    }
    if (in_flight_.load() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  workers_.join();
  // Let the last responses be written, then stop.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    std::lock_guard lock(sessions_mu_);
    for (const auto& s : sessions_) s->CloseIfIdle();
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : io_threads_) t.join();
  io_threads_.clear();
  std::lock_guard lock(sessions_mu_);
  sessions_.clear();
}

Server::Server(ServerOptions options, ServerHooks hooks)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(hooks))) {}

Server::~Server() { Stop(); }  // NOLINT(bugprone-exception-escape): see server.h

common::Status Server::Start() { return impl_->Start(); }
uint16_t Server::port() const { return impl_->port(); }
uint64_t Server::body_bytes_in_flight() const { return impl_->body_bytes_in_flight(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace web
