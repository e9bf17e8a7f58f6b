// Fuzz target: every page template rendered with hostile values (P15).
//
// The first bytes pick a template (of those compiled into views) and a
// locale; every variable and section the template names is then filled from
// the input: strings, true/false, or lists of objects whose fields are
// strings again. The page frame (title, user name, navigation, error
// summary, flash) gets fuzzed strings too, and message keys are looked up
// with fuzzed keys. Every fuzzed string carries the marker "<x-fuzz"; the
// rendered page must never contain it unescaped, whatever the data.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/embedded_file.h"
#include "views/render.h"

namespace views {
const std::vector<common::EmbeddedFile>& EmbeddedTemplates();
}  // namespace views

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

struct Template {
  std::string name;                // without ".mustache"
  std::vector<std::string> names;  // variables and sections it uses
};

// The names in a template's {{tags}}: variables, and sections (#, ^).
std::vector<Template> Templates() {
  std::vector<Template> out;
  for (const auto& f : views::EmbeddedTemplates()) {
    std::string_view path = f.path;
    if (path.size() < 9 || path.substr(path.size() - 9) != ".mustache") continue;
    Template t{std::string(path.substr(0, path.size() - 9)), {}};
    if (t.name == "layout") continue;  // RenderPage wraps every page in it
    std::set<std::string> names;
    std::string_view text = f.bytes;
    size_t pos = 0;
    while ((pos = text.find("{{", pos)) != std::string_view::npos) {
      size_t end = text.find("}}", pos + 2);
      if (end == std::string_view::npos) break;
      std::string_view tag = text.substr(pos + 2, end - pos - 2);
      pos = end + 2;
      if (!tag.empty() && (tag[0] == '#' || tag[0] == '^')) tag.remove_prefix(1);
      while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
      while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
      if (tag.empty() || tag.find_first_of("/>!=.{&") != std::string_view::npos) continue;
      names.emplace(tag);
    }
    t.names.assign(names.begin(), names.end());
    out.push_back(std::move(t));
  }
  return out;
}

std::string Hostile(FuzzedDataProvider& in) {
  return in.ConsumeRandomLengthString(48) + "<x-fuzz\"'&>";
}

views::Data Value(FuzzedDataProvider& in, const std::vector<std::string>& names, int depth) {
  switch (in.ConsumeIntegralInRange(0, depth > 0 ? 3 : 2)) {
    case 0:
      return views::Data(Hostile(in));
    case 1:
      return views::Data(views::Data::type::bool_true);
    case 2:
      return views::Data(views::Data::type::bool_false);
    default: {
      views::Data list{views::Data::type::list};
      int n = in.ConsumeIntegralInRange(0, 3);
      for (int i = 0; i < n; ++i) {
        views::Data item;
        for (const std::string& name : names) item.set(name, Value(in, names, depth - 1));
        list.push_back(item);
      }
      return list;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<Template> templates = Templates();
  Check(!templates.empty());
  FuzzedDataProvider in(data, size);
  const Template& t = templates[in.ConsumeIntegralInRange<size_t>(0, templates.size() - 1)];

  views::Page page;
  page.locale = in.ConsumeBool() ? views::Locale::kEn : views::Locale::kNl;
  page.title = Hostile(in);
  page.current_path = "/" + Hostile(in);
  page.csrf = Hostile(in);
  page.logged_in = in.ConsumeBool();
  page.user_name = Hostile(in);
  page.role_label = Hostile(in);
  page.nav.push_back({"/" + Hostile(in), Hostile(in), in.ConsumeBool()});
  if (in.ConsumeBool()) page.errors.push_back({Hostile(in), Hostile(in)});
  if (in.ConsumeBool()) page.flash = Hostile(in);
  page.no_language_switch = in.ConsumeBool();

  views::Data body;
  for (const std::string& name : t.names) body.set(name, Value(in, t.names, 1));
  std::string key = in.ConsumeRandomLengthString(32);
  const std::string& translated = views::Translate(page.locale, key);
  Check(!translated.empty() || key.empty());
  views::SetIfPresent(body, "fuzz_key", translated);

  std::string html = views::RenderPage(t.name, page, std::move(body));
  Check(!html.empty());
  Check(html.find("<x-fuzz") == std::string::npos);
  return 0;
}
