#include "views/render.h"

#include <map>
#include <mutex>

#include "common/embedded_file.h"

namespace views {
const std::vector<common::EmbeddedFile>& EmbeddedTemplates();
const std::vector<common::EmbeddedFile>& EmbeddedMessages();

namespace {

using Catalog = std::map<std::string, std::string, std::less<>>;

Catalog ParseCatalog(std::string_view text) {
  Catalog out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return out;
}

const Catalog& CatalogFor(Locale locale) {
  static const std::map<std::string, Catalog, std::less<>> catalogs = [] {
    std::map<std::string, Catalog, std::less<>> out;
    // "nl.txt", or "<area>.nl.txt" so each part of the app keeps its own
    // texts; all files of one locale merge into its catalogue.
    for (const auto& f : EmbeddedMessages()) {
      std::string_view stem = std::string_view(f.path).substr(0, f.path.rfind('.'));
      std::string code(stem.substr(stem.rfind('.') + 1));
      out[code].merge(ParseCatalog(f.bytes));
    }
    return out;
  }();
  static const Catalog empty;
  auto it = catalogs.find(LocaleCode(locale));
  return it == catalogs.end() ? empty : it->second;
}

// The catalogue as mustache data, built once per locale.
const Data& CatalogData(Locale locale) {
  static const Data nl = [] {
    Data d;
    for (const auto& [k, v] : CatalogFor(Locale::kNl)) d.set(k, v);
    return d;
  }();
  static const Data en = [] {
    Data d;
    for (const auto& [k, v] : CatalogFor(Locale::kEn)) d.set(k, v);
    return d;
  }();
  return locale == Locale::kEn ? en : nl;
}

std::string_view TemplateSource(std::string_view name) {
  static const std::map<std::string, std::string_view, std::less<>> sources = [] {
    std::map<std::string, std::string_view, std::less<>> out;
    for (const auto& f : EmbeddedTemplates()) {
      std::string key(f.path.substr(0, f.path.rfind('.')));
      out.emplace(key, f.bytes);
    }
    return out;
  }();
  auto it = sources.find(name);
  return it == sources.end() ? std::string_view() : it->second;
}

std::mutex assets_mu;
// Short literals: if allocating them fails at start-up, terminating is right.
std::string css_path = "/assets/app.css";    // NOLINT(cert-err58-cpp)
std::string js_path = "/assets/enhance.js";  // NOLINT(cert-err58-cpp)

}  // namespace

std::string_view LocaleCode(Locale l) { return l == Locale::kEn ? "en" : "nl"; }
Locale ParseLocale(std::string_view code) { return code == "en" ? Locale::kEn : Locale::kNl; }

const std::string& Translate(Locale locale, std::string_view key) {
  const Catalog& c = CatalogFor(locale);
  auto it = c.find(key);
  if (it != c.end()) return it->second;
  static thread_local std::string missing;
  missing = std::string(key);
  return missing;
}

void SetAssetPaths(std::string css_href, std::string js_href) {
  std::lock_guard lock(assets_mu);
  css_path = std::move(css_href);
  js_path = std::move(js_href);
}

std::string ErrorFor(const std::vector<FieldError>& errors, std::string_view field_id) {
  for (const FieldError& e : errors) {
    if (e.field_id == field_id) return e.message;
  }
  return {};
}

void SetIfPresent(Data& data, const std::string& name, const std::string& value) {
  if (!value.empty()) data.set(name, value);
}

Data InputField(const std::string& id, const std::string& label, const std::string& value,
                const std::string& type, const std::string& error, const std::string& hint,
                const std::string& autocomplete) {
  Data d;
  std::string described;
  if (!hint.empty()) described += id + "-hint";
  if (!error.empty()) described += (described.empty() ? "" : " ") + id + "-error";
  d.set("id", id);
  d.set("name", id);
  // Data::set copies (it takes a const reference), so the parameters are references too.
  d.set("label", label);
  d.set("value", value);
  d.set("type", type);
  if (!error.empty()) d.set("error", error);
  if (!hint.empty()) d.set("hint", hint);
  if (!autocomplete.empty()) d.set("autocomplete", autocomplete);
  if (!described.empty()) d.set("described_by", described);
  return d;
}

std::string RenderPage(std::string_view name, const Page& page, Data body) {
  Data d = std::move(body);
  d.set("t", CatalogData(page.locale));
  d.set("lang", std::string(LocaleCode(page.locale)));
  d.set("title", page.title);
  {
    std::lock_guard lock(assets_mu);
    d.set("css_href", css_path);
    d.set("js_href", js_path);
  }
  Locale other = page.locale == Locale::kEn ? Locale::kNl : Locale::kEn;
  std::string other_code(LocaleCode(other));
  std::string next = page.current_path.empty() ? "/" : page.current_path;
  d.set("lang_switch_href", "/lang/" + other_code + "?next=" + next);
  d.set("lang_switch_hreflang", other_code);
  d.set("no_lang_switch", page.no_language_switch);
  d.set("privacy_href", page.privacy_href.empty() ? std::string("/privacy") : page.privacy_href);
  d.set("csrf", page.csrf);
  d.set("logged_in", page.logged_in);
  d.set("user_name", page.user_name);
  d.set("role_label", page.role_label);
  Data nav{Data::type::list};
  for (const NavItem& item : page.nav) {
    Data n;
    n.set("href", item.href);
    n.set("label", item.label);
    n.set("current", item.current);
    nav.push_back(n);
  }
  d.set("nav", nav);
  Data errors{Data::type::list};
  for (const FieldError& e : page.errors) {
    Data x;
    x.set("field_id", e.field_id);
    x.set("message", e.message);
    errors.push_back(x);
  }
  d.set("errors", errors);
  d.set("has_errors", !page.errors.empty());
  if (!page.flash.empty()) d.set("flash", page.flash);
  std::string content_source(TemplateSource(name));
  std::string field_source(TemplateSource("field"));
  d.set("content", kainjow::mustache::partial([content_source] { return content_source; }));
  d.set("field", kainjow::mustache::partial([field_source] { return field_source; }));
  // Shared blocks a page includes with {{> name}}.
  std::string outside_source(TemplateSource("outside_routes"));
  d.set("outside_routes", kainjow::mustache::partial([outside_source] { return outside_source; }));
  std::string summary_source(TemplateSource("referral_summary"));
  d.set("referral_summary",
        kainjow::mustache::partial([summary_source] { return summary_source; }));
  kainjow::mustache::mustache layout{std::string(TemplateSource("layout"))};
  return layout.render(d);
}

std::vector<std::string> CheckTemplates() {
  std::vector<std::string> problems;
  for (const auto& f : EmbeddedTemplates()) {
    kainjow::mustache::mustache m{std::string(f.bytes)};
    if (!m.is_valid()) problems.push_back(std::string(f.path) + ": " + m.error_message());
    std::string_view src = f.bytes;
    if (src.find("{{{") != std::string_view::npos || src.find("{{&") != std::string_view::npos) {
      problems.push_back(std::string(f.path) + ": unescaped output is not allowed");
    }
  }
  return problems;
}

std::vector<std::string> MissingTranslations() {
  std::vector<std::string> missing;
  const Catalog& nl = CatalogFor(Locale::kNl);
  const Catalog& en = CatalogFor(Locale::kEn);
  for (const auto& [k, v] : nl) {
    if (!en.count(k)) missing.push_back("en: " + k);
  }
  for (const auto& [k, v] : en) {
    if (!nl.count(k)) missing.push_back("nl: " + k);
  }
  return missing;
}

}  // namespace views
