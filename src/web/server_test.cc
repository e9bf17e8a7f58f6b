#include "web/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "web/router.h"
#include "web/test_client.h"

namespace web {
namespace {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Get("/hello", [](Request& r) {
      return Response::Text(200, "hello " + r.QueryParam("name").value_or("world"));
    });
    router_.Post("/echo", [](Request& r) { return Response::Text(200, r.body); },
                 RouteOptions{.max_body_bytes = 1024});
    router_.Get("/boom", [](Request&) -> Response { throw std::runtime_error("bug"); });
    router_.Get("/slow", [](Request&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return Response::Text(200, "done");
    });
    ServerOptions options;
    options.port = 0;
    options.header_timeout = std::chrono::seconds(2);
    ServerHooks hooks;
    hooks.plan = [this](Method m, std::string_view target) {
      RequestPlan plan;
      auto match = router_.Find(m, target.substr(0, target.find('?')), nullptr);
      if (match.route) plan.max_body_bytes = match.route->options.max_body_bytes;
      return plan;
    };
    hooks.handle = [this](Request& r) {
      auto match = router_.Find(r.method, r.path, &r);
      if (!match.route) return Response::Text(404, "not found");
      return match.route->handler(r);
    };
    hooks.error_page = [](int status) { return Response::Text(status, "server error page"); };
    server_ = std::make_unique<Server>(options, hooks);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override { server_->Stop(); }

  Router router_;
  std::unique_ptr<Server> server_;
};

int ConnectRaw(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST_F(ServerTest, ServesAndKeepsAlive) {
  TestClient client("127.0.0.1", server_->port());
  for (int i = 0; i < 3; ++i) {
    auto res = client.Get("/hello?name=sp");
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "hello sp");
  }
  EXPECT_EQ(client.Get("/missing").status, 404);
}

TEST_F(ServerTest, RejectsOversizedBodyBeforeReadingIt) {
  TestClient client("127.0.0.1", server_->port());
  EXPECT_EQ(client.Send("POST", "/echo", {}, std::string(100, 'x')).body, std::string(100, 'x'));
  auto res = client.Send("POST", "/echo", {}, std::string(4096, 'x'));
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(res.body, "server error page");
}

TEST_F(ServerTest, RejectsMalformedAndHugeHeaders) {
  TestClient a("127.0.0.1", server_->port());
  EXPECT_EQ(a.SendRaw("NOT HTTP AT ALL\r\n\r\n").status, 400);
  TestClient b("127.0.0.1", server_->port());
  std::string big = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n";
  EXPECT_EQ(b.SendRaw(big).status, 431);
  TestClient c("127.0.0.1", server_->port());
  EXPECT_EQ(c.SendRaw("GET /he%00llo HTTP/1.1\r\nHost: x\r\n\r\n").status, 400);
}

TEST_F(ServerTest, HandlerExceptionBecomes500) {
  TestClient client("127.0.0.1", server_->port());
  auto res = client.Get("/boom");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body.find("bug"), std::string::npos);
}

TEST_F(ServerTest, SlowClientsDoNotBlockOthers) {
  // 200 clients that send part of a header and then stall.
  std::vector<int> slow;
  for (int i = 0; i < 200; ++i) {
    int fd = ConnectRaw(server_->port());
    ASSERT_GE(fd, 0);
    const char partial[] = "GET /hello HTTP/1.1\r\nHost: x\r\nX-A: ";
    ASSERT_GT(::send(fd, partial, sizeof partial - 1, MSG_NOSIGNAL), 0);
    slow.push_back(fd);
  }
  TestClient client("127.0.0.1", server_->port());
  auto start = std::chrono::steady_clock::now();
  auto res = client.Get("/hello");
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(res.status, 200);
  EXPECT_LT(elapsed, std::chrono::seconds(1));  // a correctness bound, not a benchmark
  // The header deadline closes the stalled connections.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  char buf[16];
  int closed = 0;
  for (int fd : slow) {
    if (::recv(fd, buf, sizeof buf, MSG_DONTWAIT) == 0) ++closed;
    ::close(fd);
  }
  EXPECT_EQ(closed, 200);
}

TEST_F(ServerTest, StopLetsInFlightRequestsFinish) {
  ClientResponse res;
  std::thread t([&] {
    TestClient client("127.0.0.1", server_->port());
    res = client.Get("/slow");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_->Stop();
  t.join();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "done");
}

}  // namespace
}  // namespace web
