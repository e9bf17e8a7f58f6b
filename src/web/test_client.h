// File: web/test_client.h
//
// A small blocking HTTP/1.1 client over POSIX sockets, for tests only. It
// keeps one connection open across requests (keep-alive) and understands
// Content-Length responses, which is all our server sends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "web/http.h"

namespace web {

struct ClientResponse {
  int status = 0;  // 0: connection failed or closed before a response
  HeaderList headers;  // names in lower case
  std::string body;
  std::string Header(std::string_view lower_name) const;
  std::vector<std::string> Headers(std::string_view lower_name) const;
};

class TestClient {
 public:
  TestClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  ClientResponse Send(std::string_view method, std::string_view target,
                      const HeaderList& headers = {}, std::string_view body = {});
  ClientResponse Get(std::string_view target, const HeaderList& headers = {}) {
    return Send("GET", target, headers);
  }
  ClientResponse PostForm(std::string_view target, std::string_view body,
                          HeaderList headers = {});
  ClientResponse PostJson(std::string_view target, std::string_view body,
                          HeaderList headers = {});
  // Sends raw bytes and reads one response (for malformed-request tests).
  ClientResponse SendRaw(std::string_view bytes);
  void Close();
  // Connects from this local address (e.g. "127.0.0.2", any of 127.0.0.0/8),
  // so that tests can play two clients on one machine. Applies from the next
  // connection on.
  void set_source_address(std::string address) { source_ = std::move(address); }

 private:
  bool Connect();
  ClientResponse ReadResponse();

  std::string host_;
  uint16_t port_;
  std::string source_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace web
