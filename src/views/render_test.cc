#include "views/render.h"

#include <gtest/gtest.h>

namespace views {
namespace {

TEST(RenderTest, TemplatesParseAndNeverUnescape) {
  EXPECT_EQ(CheckTemplates(), std::vector<std::string>{});
}

TEST(RenderTest, CataloguesHaveTheSameKeys) {
  EXPECT_EQ(MissingTranslations(), std::vector<std::string>{});
  EXPECT_EQ(Translate(Locale::kNl, "login"), "Inloggen");
  EXPECT_EQ(Translate(Locale::kEn, "login"), "Sign in");
}

TEST(RenderTest, EscapesUserData) {
  Page page;
  page.title = "<script>alert(1)</script>";
  page.user_name = "\"><img src=x onerror=alert(1)>";
  page.logged_in = true;
  page.errors.push_back({"login", "<b>bad</b>"});
  Data body;
  body.set("login_field", InputField("login", "Login", "\" onfocus=\"x", "email", "<i>err</i>"));
  body.set("password_field", InputField("password", "Password", "", "password"));
  std::string html = RenderPage("login", page, body);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("<b>bad"), std::string::npos);
  EXPECT_EQ(html.find("\" onfocus=\"x"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_NE(html.find("lang=\"nl\""), std::string::npos);
  EXPECT_NE(html.find("hreflang=\"en\""), std::string::npos);
}

TEST(RenderTest, EnglishPage) {
  Page page;
  page.locale = Locale::kEn;
  page.title = "Home";
  std::string html = RenderPage("home", page, Data{});
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("Internship discrimination?"), std::string::npos);
}

}  // namespace
}  // namespace views
