// Fuzz target: the CSV files of a matching round (shared spec matching-io.md)
// as `stagepunt match --in DIR` and round exports read them.
//
// Input: up to five files separated by lines that are exactly "@@":
// students.csv, positions.csv, preferences.csv, priorities.csv,
// exclusions.csv (a file not given is absent). They are written to a private
// temporary directory (removed at exit) and loaded twice: by LoadInstance
// (the memory-mapped fast path, falling back to the exact loader) and by
// LoadInstanceExact. Checks: both agree on success and on the instance, and
// a loaded instance satisfies matching::ValidateInstance.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "matching/instance.h"
#include "matchio/loader.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

const std::string& TempDir() {
  static const std::string* dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "fuzz-matchio-XXXXXX").string();
    Check(mkdtemp(pattern.data()) != nullptr);
    std::atexit([] { std::filesystem::remove_all(TempDir()); });
    return new std::string(pattern);
  }();
  return *dir;
}

void WriteOrRemove(const std::string& path, const std::string_view* content) {
  if (content == nullptr) {
    std::remove(path.c_str());
    return;
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  Check(f != nullptr);
  if (!content->empty()) Check(std::fwrite(content->data(), 1, content->size(), f) == content->size());
  Check(std::fclose(f) == 0);
}

bool SameInstance(const matching::Instance& a, const matching::Instance& b) {
  return a.num_students == b.num_students && a.num_companies == b.num_companies &&
         a.position_capacity == b.position_capacity && a.position_company == b.position_company &&
         a.company_excluded == b.company_excluded && a.pref_begin == b.pref_begin &&
         a.pref_position == b.pref_position && a.pref_rank == b.pref_rank &&
         a.pref_priority == b.pref_priority;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* kFiles[] = {"students.csv", "positions.csv", "preferences.csv",
                                 "priorities.csv", "exclusions.csv"};
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view parts[5];
  int count = 0;
  while (count < 5) {
    size_t sep = input.find("\n@@\n");
    parts[count++] = input.substr(0, sep);
    if (sep == std::string_view::npos) break;
    input.remove_prefix(sep + 4);
  }
  const std::string& dir = TempDir();
  for (int i = 0; i < 5; ++i) WriteOrRemove(dir + "/" + kFiles[i], i < count ? &parts[i] : nullptr);

  auto fast = matchio::LoadInstance(dir);
  auto exact = matchio::LoadInstanceExact(dir);
  Check(fast.ok() == exact.ok());
  if (!exact.ok()) {
    Check(fast.status().message() == exact.status().message());
    return 0;
  }
  Check(SameInstance(fast->instance, exact->instance));
  Check(fast->students.size() == exact->students.size());
  for (int32_t s = 0; s < exact->students.size(); ++s) {
    Check(fast->students.Name(s) == exact->students.Name(s));
  }
  Check(matching::ValidateInstance(exact->instance).ok());
  return 0;
}
