#include "web/http.h"

#include <gtest/gtest.h>

namespace web {
namespace {

TEST(UrlDecodeTest, DecodesEscapesAndPlus) {
  EXPECT_EQ(UrlDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(UrlDecode("a+b", false), "a+b");
  EXPECT_EQ(UrlDecode("100%", true), "100%");
  EXPECT_EQ(UrlDecode("%zz%4", true), "%zz%4");
}

TEST(FormTest, ParsesFieldsAndRepeats) {
  Form f("login=a%40b.nl&grounds=origin&grounds=religion&empty=&flag");
  EXPECT_EQ(f.Get("login"), "a@b.nl");
  EXPECT_EQ(f.GetAll("grounds"), (std::vector<std::string>{"origin", "religion"}));
  EXPECT_TRUE(f.Has("empty"));
  EXPECT_TRUE(f.Has("flag"));
  EXPECT_FALSE(f.Has("missing"));
  EXPECT_TRUE(f.valid_utf8());
}

TEST(FormTest, FlagsInvalidUtf8) {
  EXPECT_FALSE(Form("name=%FF%FE").valid_utf8());
  EXPECT_TRUE(Form("name=%C3%A9").valid_utf8());
}

TEST(Utf8Test, RejectsOverlongAndSurrogates) {
  EXPECT_TRUE(IsValidUtf8("héllo €"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
}

TEST(RequestTest, ReadsCookiesAndQuery) {
  Request r;
  r.headers = {{"cookie", "a=1; __Host-sid=xyz ; lang=en"}};
  r.query = "next=%2Fdashboard&x=1";
  EXPECT_EQ(r.Cookie("__Host-sid").value_or(""), "xyz");
  EXPECT_EQ(r.Cookie("lang").value_or(""), "en");
  EXPECT_FALSE(r.Cookie("nope").has_value());
  EXPECT_EQ(r.QueryParam("next").value_or(""), "/dashboard");
}

TEST(ResponseTest, SetHeaderReplacesCaseInsensitively) {
  Response r = Response::Html(200, "x");
  r.SetHeader("content-type", "text/plain");
  EXPECT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.Header("Content-Type"), "text/plain");
}

}  // namespace
}  // namespace web
