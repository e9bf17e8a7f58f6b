// File: common/embedded_file.h
//
// Files compiled into the binary by cmake/EmbedFiles.cmake (migrations,
// templates, message catalogues, static assets), so a deployment is one file.
#pragma once

#include <string_view>
#include <vector>

namespace common {

struct EmbeddedFile {
  std::string_view path;  // relative to the folder it was embedded from
  std::string_view bytes;
};

}  // namespace common
