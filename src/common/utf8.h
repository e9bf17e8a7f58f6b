// File: common/utf8.h
#pragma once

#include <string_view>

namespace common {

// Strict UTF-8: rejects overlong forms, surrogates, truncated sequences and
// code points past U+10FFFF. Every text field from outside passes this check.
bool IsValidUtf8(std::string_view s);

}  // namespace common
