#include "keys/keystore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <sodium.h>

namespace keys {

namespace fs = std::filesystem;

common::StatusOr<KeyStore> KeyStore::Open(const std::string& data_dir) {
  std::error_code ec;
  fs::path dir = fs::path(data_dir) / "keys";
  fs::create_directories(dir, ec);
  if (ec) return common::Status::Unavailable("cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (sodium_init() < 0) return common::Status::Internal("libsodium failed to initialise");
  return KeyStore(dir.string());
}

common::StatusOr<std::string> KeyStore::GetOrCreate(const std::string& name) {
  fs::path path = fs::path(dir_) / (name + ".key");
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() != 32) return common::Status::DataLoss("key file has the wrong size: " + path.string());
    return bytes;
  }
  std::string key(32, '\0');
  randombytes_buf(key.data(), key.size());
  std::string tmp = path.string() + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return common::Status::Unavailable("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  // link() fails if another process created the key first: then use theirs.
  if (ok && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) ok = false;
  ::unlink(tmp.c_str());
  if (!ok) return common::Status::Unavailable("cannot create key " + path.string());
  std::ifstream again(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  if (bytes.size() != 32) return common::Status::DataLoss("key file has the wrong size: " + path.string());
  return bytes;
}

}  // namespace keys
