#include "web/router.h"

#include <gtest/gtest.h>

namespace web {
namespace {

Response Named(std::string name) { return Response::Text(200, std::move(name)); }

TEST(RouterTest, MatchesSegmentsAndParams) {
  Router router;
  router.Get("/", [](Request&) { return Named("home"); });
  router.Get("/schools/{brin}/reports", [](Request&) { return Named("list"); });
  router.Post("/schools/{brin}/reports", [](Request&) { return Named("create"); });

  Request req;
  auto m = router.Find(Method::kPost, "/schools/99DM/reports", &req);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->handler(req).body, "create");
  EXPECT_EQ(req.PathParam("brin"), "99DM");

  EXPECT_NE(router.Find(Method::kGet, "/", &req).route, nullptr);
  EXPECT_NE(router.Find(Method::kHead, "/", &req).route, nullptr);
}

TEST(RouterTest, DistinguishesMissingPathFromWrongMethod) {
  Router router;
  router.Get("/login", [](Request&) { return Named("x"); });
  Request req;
  auto wrong_method = router.Find(Method::kDelete, "/login", &req);
  EXPECT_EQ(wrong_method.route, nullptr);
  EXPECT_TRUE(wrong_method.path_exists);
  auto missing = router.Find(Method::kGet, "/login/extra", &req);
  EXPECT_EQ(missing.route, nullptr);
  EXPECT_FALSE(missing.path_exists);
  EXPECT_EQ(router.Find(Method::kGet, "/schools//reports", &req).route, nullptr);
}

}  // namespace
}  // namespace web
