// File: app/placement_ui.h
//
// Helpers shared by the coordinator's stagematching pages
// (placement_routes.cc, placement_round_routes.cc, placement_review_routes.cc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"

namespace app::smui {

// The message for a service error on `form`'s field, in the page's language.
std::string ErrorText(const Ctx& ctx, std::string_view form, const common::Status& s);
// kNotFound -> 404 page, kPermissionDenied -> 403, others by HttpStatusFor.
web::Response ErrorPageFor(const Ctx& ctx, const common::Status& s);
// The flash text for "?ok=KEY", or "".
std::string Flash(const Ctx& ctx);
std::string StatusLabel(const Ctx& ctx, domain::RoundStatus s);
std::string StatusTag(domain::RoundStatus s);
std::string JoinList(const std::vector<std::string>& items, std::string_view sep);
std::string Day(common::UnixMillis t);
views::Data RoundRow(const Ctx& ctx, const placement::Round& r);
inline std::string RoundBase(std::string_view id) {
  return "/stagematching/rondes/" + std::string(id);
}
// The round page again, with errors (for the review and exports too); in
// placement_round_routes.cc.
web::Response RoundPageWithErrors(Ctx& ctx, std::string_view id,
                                  std::vector<views::FieldError> errors, int status);

}  // namespace app::smui
