// File: app/report_ui.h
//
// The pieces of a report form that every form asking for a report shares (the
// public report form and the stagebegeleider's "zorg melden"): the choice
// lists of the meldpunt's vocabulary (phase, grounds, who did it, ...) and the
// error text of a refused field, so both ask the same question in the same
// words and name the same field when it is wrong.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"

namespace app {

// Checkbox or radio items for `values`: label from the catalogue key
// prefix+value (and prefix+value+"_hint" when the catalogue has one), id
// name_value, checked when in `chosen`.
views::Data ChoiceOptions(const Ctx& ctx, std::string_view prefix,
                          const std::vector<std::string>& values,
                          const std::vector<std::string>& chosen, std::string_view name);

// The stable ids of a vocabulary (domain::AllGrounds(), AllActors(), ...).
template <typename E>
std::vector<std::string> NamesOf(const std::vector<E>& all) {
  std::vector<std::string> out;
  out.reserve(all.size());
  for (const E& e : all) out.emplace_back(domain::Name(e));
  return out;
}

// A refused report field's message in the reader's language ("err_<field>"),
// or the service's own text where the catalogue has none.
std::string ReportFieldMessage(const Ctx& ctx, const common::Status& status);

}  // namespace app
