// The public home page, the language switch and the role dashboards.
#include <mutex>

#include "app/app.h"

namespace app {

namespace {

// Only local paths: "/x" but not "//host" or "/\host", so no open redirect.
std::string SafeNext(const std::optional<std::string>& next) {
  if (!next || next->empty() || (*next)[0] != '/' || next->size() > 512) return "/";
  if (next->size() > 1 && ((*next)[1] == '/' || (*next)[1] == '\\')) return "/";
  for (char c : *next) {
    if (static_cast<unsigned char>(c) < 0x20) return "/";
  }
  return *next;
}

// The anonymous home page depends only on the language: render it once per
// language. Logged-in visitors get a fresh page (their name is in the header).
web::Response Home(Ctx& ctx) {
  if (ctx.session) return ctx.Render("home", ctx.MakePage(ctx.T("home_title")), views::Data{});
  static std::once_flag once[2];
  static std::string html[2];
  size_t i = ctx.locale == views::Locale::kEn ? 1 : 0;
  std::call_once(once[i], [&] {
    html[i] = views::RenderPage("home", ctx.MakePage(ctx.T("home_title")), views::Data{});
  });
  return web::Response::Html(200, html[i]);
}

web::Response SwitchLanguage(Ctx& ctx) {
  std::string code = ctx.req.PathParam("code") == "en" ? "en" : "nl";
  web::Response res = web::Response::Redirect(SafeNext(ctx.req.QueryParam("next")));
  res.AddHeader("Set-Cookie", "lang=" + code + "; Max-Age=31536000" + ctx.app.CookieAttributes());
  return res;
}

web::Response Dashboard(Ctx& ctx) {
  const auth::User& user = ctx.user();
  views::Data body;
  body.set("user_name", user.display_name);
  if (!user.school_id.empty()) {
    auto school = ctx.app.accounts().SchoolById(user.school_id);
    if (school.ok()) {
      body.set("school_name", school->name);
      body.set("brin", school->brin);
    }
  }
  body.set("role_text", ctx.T("dash_" + std::string(domain::RoleName(user.role)) + "_text"));
  body.set("is_student", user.role == domain::Role::kStudent);
  // The same destinations as the navigation, so the two never disagree.
  views::Page page = ctx.MakePage(ctx.T("dashboard_title"));
  views::Data links{views::Data::type::list};
  for (const views::NavItem& item : page.nav) {
    if (item.href == "/dashboard" || item.href == "/account/security") continue;
    views::Data l;
    l.set("href", item.href);
    l.set("label", item.label);
    links.push_back(l);
  }
  if (user.role == domain::Role::kMeldpuntHandler) {
    // Deadlines stand out where a handler lands after login.
    auto counts = ctx.app.meldpunt().CountInbox(ctx.Staff());
    if (counts.ok()) {
      body.set("deadlines", true);
      body.set("open_cases", std::to_string(counts->open));
      body.set("overdue", std::to_string(counts->overdue));
      body.set("due_soon", std::to_string(counts->due_soon));
      body.set("has_overdue", counts->overdue > 0);
    }
  }
  // Alerts and reminders addressed to this user (deadline alerts, P12).
  auto notes = ctx.app.notifications().Unread(user.id, 20);
  if (notes.ok() && !notes->empty()) {
    views::Data list{views::Data::type::list};
    for (const notify::Notification& n : *notes) {
      views::Data d;
      d.set("id", n.id);
      d.set("text", ctx.T("notify_" + n.kind));
      d.set("subject", n.subject);
      d.set("link", n.link);
      d.set("date", domain::FormatDate(domain::DateFromMillis(n.created_at)));
      list.push_back(d);
    }
    body.set("has_notifications", true);
    body.set("notifications", list);
    body.set("csrf", ctx.session->csrf_token);
  }
  // Norm module: meldpunt leads take part in the self-assessment (plain
  // handlers do not), and staff see their own training, where reminders link.
  auto add_link = [&](const char* href, const char* label) {
    views::Data l;
    l.set("href", std::string(href));
    l.set("label", ctx.T(label));
    links.push_back(l);
  };
  if (user.role == domain::Role::kMeldpuntHandler && ctx.Staff().lead) {
    add_link("/zelfevaluatie", "nav_assessment");
  }
  if (!user.school_id.empty() && user.role != domain::Role::kStudent &&
      user.role != domain::Role::kCompanyContact) {
    add_link("/mijn-training", "training_mine_title");
  }
  body.set("has_links", !links.is_empty_list());
  body.set("links", links);
  return ctx.Render("dashboard", page, body);
}

web::Response MarkNotificationRead(Ctx& ctx) {
  common::Status s = ctx.app.notifications().MarkRead(ctx.user().id, ctx.req.PathParam("id"));
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/dashboard");
}

web::Response Health(Ctx& ctx) {
  if (!ctx.app.db().Healthy()) return web::Response::Json(503, R"({"status":"unavailable"})");
  return web::Response::Json(200, R"({"status":"ok"})");
}

}  // namespace

void RegisterPublicRoutes(App& app) {
  app.Route(web::Method::kGet, "/", Access::Public(), Home);
  app.Route(web::Method::kGet, "/lang/{code}", Access::Public(), SwitchLanguage);
  app.Route(web::Method::kGet, "/healthz", Access::Public(), Health);
  app.Route(web::Method::kGet, "/dashboard", Access::LoggedIn(), Dashboard);
  app.Route(web::Method::kPost, "/dashboard/notificaties/{id}/gelezen", Access::LoggedIn(),
            MarkNotificationRead);
}

}  // namespace app
