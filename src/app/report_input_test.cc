// Unit tests for report_input.cc: the error of a rejected report must stay
// serialisable, whatever the client sent.
#include "app/report_input.h"

#include <gtest/gtest.h>

#include <string>

#include "common/utf8.h"

namespace app {
namespace {

using nlohmann::json;

// Regression (fuzz/corpus/fuzz_report_json/utf8_cut_*): an unknown value of
// 39 ASCII bytes and a two-byte character was cut in the middle of that
// character for the error message, and app::JsonError's dump() threw, so
// the API answered 500 instead of 400.
TEST(ReportInputTest, ErrorMessagesNeverCutAUtf8Character) {
  const std::string value = std::string(39, 'a') + "\xC3\xA9";  // "aaa…é"
  json bodies[] = {
      {{"mode", "anonymous"}, {"phase", "search"}, {"grounds", {value}}},
      {{"mode", "anonymous"}, {"phase", "search"}, {"wishes", {value}}},
      {{"mode", "anonymous"}, {"phase", "search"}, {"consent", {{value, true}}}},
  };
  for (const json& body : bodies) {
    auto draft = DraftFromJson(body);
    ASSERT_FALSE(draft.ok());
    EXPECT_TRUE(common::IsValidUtf8(draft.status().message())) << draft.status().message();
    EXPECT_TRUE(common::IsValidUtf8(draft.status().field()));
    json err = {{"message", draft.status().message()}, {"field", draft.status().field()}};
    EXPECT_NO_THROW((void)err.dump());
  }
}

}  // namespace
}  // namespace app
