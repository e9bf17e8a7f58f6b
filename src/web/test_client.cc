#include "web/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace web {

std::string ClientResponse::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return {};
}

std::vector<std::string> ClientResponse::Headers(std::string_view lower_name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (k == lower_name) out.push_back(v);
  }
  return out;
}

TestClient::~TestClient() { Close(); }

void TestClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool TestClient::Connect() {
  if (fd_ >= 0) return true;
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  timeval tv{30, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!source_.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (inet_pton(AF_INET, source_.c_str(), &local.sin_addr) != 1 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      Close();
      return false;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Close();
    return false;
  }
  return true;
}

ClientResponse TestClient::Send(std::string_view method, std::string_view target,
                                const HeaderList& headers, std::string_view body) {
  std::string req;
  req.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: ");
  req.append(host_).append("\r\n");
  for (const auto& [k, v] : headers) req.append(k).append(": ").append(v).append("\r\n");
  if (!body.empty() || method == "POST") {
    req.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  req.append("\r\n").append(body);
  ClientResponse res = SendRaw(req);
  if (res.status == 0) {
    // The server may have closed an idle keep-alive connection: retry once.
    Close();
    res = SendRaw(req);
  }
  return res;
}

ClientResponse TestClient::PostForm(std::string_view target, std::string_view body,
                                    HeaderList headers) {
  headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return Send("POST", target, headers, body);
}

ClientResponse TestClient::PostJson(std::string_view target, std::string_view body,
                                    HeaderList headers) {
  headers.emplace_back("Content-Type", "application/json");
  return Send("POST", target, headers, body);
}

ClientResponse TestClient::SendRaw(std::string_view bytes) {
  if (!Connect()) return {};
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      Close();
      return {};
    }
    sent += static_cast<size_t>(n);
  }
  return ReadResponse();
}

ClientResponse TestClient::ReadResponse() {
  ClientResponse res;
  auto fill = [&]() {
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  };
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) {
      Close();
      return {};
    }
  }
  std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() >= 12)
    res.status = static_cast<int>(std::strtol(status_line.c_str() + 9, nullptr, 10));
  size_t content_length = 0;
  bool close_after = false;
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "content-length") content_length = std::stoul(value);
      if (name == "connection" && value == "close") close_after = true;
      res.headers.emplace_back(std::move(name), std::move(value));
    }
    pos = end + 2;
  }
  while (buffer_.size() < content_length) {
    if (!fill()) break;
  }
  res.body = buffer_.substr(0, content_length);
  buffer_.erase(0, std::min(content_length, buffer_.size()));
  if (close_after) Close();
  return res;
}

}  // namespace web
