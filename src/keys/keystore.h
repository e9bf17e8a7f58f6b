// File: keys/keystore.h
//
// Server secrets live in files under DATA_DIR/keys (mode 0700, files 0600),
// never in the database: a copy of the database alone must not be enough to
// read a report, forge an audit record or test a reporter code.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "common/status.h"

namespace keys {

class KeyStore {
 public:
  // Opens (creating if needed) DATA_DIR/keys.
  static common::StatusOr<KeyStore> Open(const std::string& data_dir);

  // Returns the 32-byte secret named `name`, creating it from the CSPRNG on
  // first use. The file is written to a temporary name and renamed, so a
  // crash never leaves a half-written key.
  common::StatusOr<std::string> GetOrCreate(const std::string& name);

  const std::string& dir() const { return dir_; }

 private:
  explicit KeyStore(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace keys
