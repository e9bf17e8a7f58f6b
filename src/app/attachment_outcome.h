// File: app/attachment_outcome.h
//
// The outcome of an attachment upload (reporter or handler) for the page: a
// refusal of the file by media::Sanitize in the reader's language (its
// media::RefusalKey, catalogues media.<locale>.txt), anything else unchanged.
#pragma once

#include <string>
#include <string_view>

#include "app/app.h"
#include "common/status.h"
#include "media/attachment.h"

namespace app {

inline common::Status AttachmentOutcome(const Ctx& ctx, const common::Status& s) {
  std::string_view key = media::RefusalKey(s);
  if (key.empty()) return s;
  return common::Status::InvalidArgument(ctx.T(key), s.field());
}

}  // namespace app
