// File: views/render.h
//
// Server-rendered pages: kainjow mustache templates (escaped by default) and
// message catalogues, both compiled into the binary. Handlers fill a Page and
// a page-specific `Data`; they never write HTML by hand.
//
// Rules that keep the output safe: templates never use {{{ }}} or {{& }}
// (a unit test checks), every attribute is quoted, and URLs in the data are
// built by the server, never taken from user input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <kainjow/mustache.hpp>

namespace views {

using Data = kainjow::mustache::data;

enum class Locale { kNl, kEn };
std::string_view LocaleCode(Locale l);  // "nl" / "en"
Locale ParseLocale(std::string_view code);  // unknown -> kNl

// The message for `key` in `locale`; the key itself when missing (a test
// checks that both catalogues hold the same keys).
const std::string& Translate(Locale locale, std::string_view key);

struct NavItem {
  std::string href;
  std::string label;
  bool current = false;
};

struct FieldError {
  std::string field_id;  // the input's id, for the error summary link
  std::string message;
};

// The message for `field_id` among `errors`, or "" (for the message beside a field).
std::string ErrorFor(const std::vector<FieldError>& errors, std::string_view field_id);

// Sets `name` only when `value` is not empty. Mustache sections treat an
// empty string as true, so "{{#x_error}}" must not see one on a clean form.
void SetIfPresent(Data& data, const std::string& name, const std::string& value);

struct Page {
  Locale locale = Locale::kNl;
  std::string title;
  std::string current_path;  // for the language switch and aria-current
  std::string csrf;          // session CSRF token ("" when anonymous)
  bool logged_in = false;
  std::string user_name;
  std::string role_label;
  std::vector<NavItem> nav;
  std::vector<FieldError> errors;
  std::string flash;
  // Pages that must not be left by a GET that loses their content (the
  // receipt, whose code is shown once) hide the language link.
  bool no_language_switch = false;
  // The footer's privacy link: the school's page when the page knows its
  // school, else the deployment's /privacy (which finds the school).
  std::string privacy_href;
};

// A text input for field.mustache, with its error and hint wired to ARIA.
Data InputField(const std::string& id, const std::string& label, const std::string& value,
                const std::string& type = "text", const std::string& error = "",
                const std::string& hint = "", const std::string& autocomplete = "");

// Renders templates/<name>.mustache inside the layout.
std::string RenderPage(std::string_view name, const Page& page, Data body);

// The hashed asset paths from frontend/dist/manifest.json.
void SetAssetPaths(std::string css_href, std::string js_href);

// Every template, for the startup check and the tests: empty when all parse.
std::vector<std::string> CheckTemplates();
std::vector<std::string> MissingTranslations();

}  // namespace views
