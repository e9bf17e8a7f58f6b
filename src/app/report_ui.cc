#include "app/report_ui.h"

#include <algorithm>

namespace app {

views::Data ChoiceOptions(const Ctx& ctx, std::string_view prefix,
                          const std::vector<std::string>& values,
                          const std::vector<std::string>& chosen, std::string_view name) {
  views::Data list{views::Data::type::list};
  for (const std::string& v : values) {
    const std::string label_key = std::string(prefix) + v;
    const std::string hint_key = label_key + "_hint";
    views::Data item;
    item.set("value", v);
    item.set("name", std::string(name));
    item.set("id", std::string(name) + "_" + v);
    item.set("label", ctx.T(label_key));
    item.set("hint", ctx.T(hint_key) == hint_key ? std::string() : ctx.T(hint_key));
    item.set("checked", std::find(chosen.begin(), chosen.end(), v) != chosen.end());
    list.push_back(item);
  }
  return list;
}

std::string ReportFieldMessage(const Ctx& ctx, const common::Status& status) {
  const std::string key = "err_" + FieldId(status.field());
  const std::string& text = ctx.T(key);
  return text == key ? status.message() : text;
}

}  // namespace app
