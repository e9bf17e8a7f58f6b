#include "matchio/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <vector>

#include "matching/deferred_acceptance.h"
#include "matchio/atomic_file.h"

namespace matchio {
namespace {

using matching::SplitMix64;

constexpr int32_t kSectors = 12;
constexpr int32_t kMaxListLength = 20;

double Uniform(SplitMix64& rng) { return static_cast<double>(rng.Next() >> 11) * 0x1.0p-53; }

// Positions of one region (or region and sector) with cumulative popularity,
// sampled by binary search.
struct WeightedPool {
  std::vector<int32_t> positions;
  std::vector<double> cumulative;

  void Add(int32_t position, double weight) {
    positions.push_back(position);
    cumulative.push_back((cumulative.empty() ? 0.0 : cumulative.back()) + weight);
  }
  bool empty() const { return positions.empty(); }
  int32_t Sample(SplitMix64& rng) const {
    double x = Uniform(rng) * cumulative.back();
    auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
    size_t i = std::min(static_cast<size_t>(it - cumulative.begin()), positions.size() - 1);
    return positions[i];
  }
};

struct Market {
  int32_t regions = 1;
  std::vector<int32_t> position_region;
  std::vector<WeightedPool> by_region;             // [region]
  std::vector<WeightedPool> by_region_and_sector;  // [region * kSectors + sector]
  WeightedPool everywhere;
};

// Companies, their positions and capacities; fills `in` and returns the pools.
Market BuildCompanies(const GeneratorOptions& o, SplitMix64& rng, matching::Instance* in) {
  Market m;
  m.regions = o.regions > 0 ? o.regions : std::max(1, o.companies / 1000);
  m.by_region.resize(m.regions);
  m.by_region_and_sector.resize(static_cast<size_t>(m.regions) * kSectors);
  in->num_companies = o.companies;
  in->company_excluded.assign(o.companies, 0);
  std::vector<double> raw_capacity;
  for (int32_t c = 0; c < o.companies; ++c) {
    auto region = static_cast<int32_t>(rng.Below(m.regions));
    auto sector = static_cast<int32_t>(rng.Below(kSectors));
    // Zipf-like popularity by a random "fame" rank: a few big names everyone
    // lists, a long tail of small firms.
    double popularity = 1.0 / std::pow(1.0 + static_cast<double>(rng.Below(o.companies)), 0.8);
    auto positions = static_cast<int32_t>(1 + rng.Below(3));
    for (int32_t k = 0; k < positions; ++k) {
      auto p = static_cast<int32_t>(in->position_company.size());
      in->position_company.push_back(c);
      m.position_region.push_back(region);
      raw_capacity.push_back(1.0 + static_cast<double>(rng.Below(4)));
      m.by_region[region].Add(p, popularity);
      m.by_region_and_sector[static_cast<size_t>(region) * kSectors + sector].Add(p, popularity);
      m.everywhere.Add(p, popularity);
    }
  }
  // Scale capacities to the requested number of places, rounding at random so
  // the total comes out right on average.
  double total = 0;
  for (double c : raw_capacity) total += c;
  double scale = o.places_per_student * o.students / std::max(total, 1.0);
  for (double c : raw_capacity) {
    double want = c * scale;
    auto whole = static_cast<int32_t>(want);
    in->position_capacity.push_back(whole + (Uniform(rng) < want - whole ? 1 : 0));
  }
  for (int32_t k = 0; k < o.excluded_companies; ++k) {
    in->company_excluded[rng.Below(o.companies)] = 1;
  }
  return m;
}

int32_t ListLength(const GeneratorOptions& o, SplitMix64& rng) {
  if (o.choices >= kMaxListLength) return o.choices;
  // Uniform on [lo, 2*choices - lo]: mean `choices`, within 1..20.
  int32_t lo = std::max(1, 2 * o.choices - kMaxListLength);
  int32_t hi = 2 * o.choices - lo;
  return lo + static_cast<int32_t>(rng.Below(hi - lo + 1));
}

int32_t TravelBand(const Market& m, int32_t home, int32_t position) {
  int32_t gap = std::abs(m.position_region[position] - home);
  return gap == 0 ? 0 : gap == 1 ? 1 : 2;
}

void BuildLists(const GeneratorOptions& o, const Market& m, SplitMix64& rng,
                matching::Instance* in) {
  in->num_students = o.students;
  in->pref_begin.assign(1, 0);
  std::vector<int32_t> list;
  for (int32_t s = 0; s < o.students; ++s) {
    auto home = static_cast<int32_t>(rng.Below(m.regions));
    auto sector = static_cast<int32_t>(rng.Below(kSectors));
    int32_t length = std::min<int32_t>(ListLength(o, rng), in->num_positions());
    list.clear();
    for (int attempt = 0; static_cast<int32_t>(list.size()) < length && attempt < 40 * length;
         ++attempt) {
      double u = Uniform(rng);
      const WeightedPool* pool = &m.everywhere;
      if (u < 0.5) {
        pool = &m.by_region_and_sector[static_cast<size_t>(home) * kSectors + sector];
      } else if (u < 0.8) {
        pool = &m.by_region[home];
      } else if (u < 0.9 && m.regions > 1) {
        pool = &m.by_region[std::min(home + 1, m.regions - 1)];
      }
      if (pool->empty()) pool = &m.everywhere;
      int32_t p = pool->Sample(rng);
      if (std::find(list.begin(), list.end(), p) != list.end()) continue;
      list.push_back(p);
    }
    for (size_t k = 0; k < list.size(); ++k) {
      in->pref_position.push_back(list[k]);
      in->pref_rank.push_back(static_cast<int32_t>(k) + 1);
      in->pref_priority.push_back(o.priorities ? TravelBand(m, home, list[k]) : 0);
    }
    in->pref_begin.push_back(static_cast<int32_t>(in->pref_position.size()));
  }
}

}  // namespace

common::Status ValidateGeneratorOptions(const GeneratorOptions& o) {
  using common::Status;
  if (o.students < 1) return Status::InvalidArgument("--students must be at least 1");
  if (o.companies < 1) return Status::InvalidArgument("--companies must be at least 1");
  if (o.choices < 1) return Status::InvalidArgument("--choices must be at least 1");
  if (!(o.places_per_student > 0) || o.places_per_student > 100) {
    return Status::InvalidArgument("--places-per-student must be in (0, 100]");
  }
  if (o.regions < 0) return Status::InvalidArgument("--regions must be >= 0");
  if (o.excluded_companies < 0 || o.excluded_companies > o.companies) {
    return Status::InvalidArgument("--excluded must be between 0 and --companies");
  }
  if (static_cast<int64_t>(o.students) * std::min(o.choices, 1000) > 1'500'000'000) {
    return Status::InvalidArgument("--students x --choices is too large");
  }
  return Status::Ok();
}

matching::Instance GenerateInstance(const GeneratorOptions& options) {
  matching::Instance in;
  SplitMix64 rng(options.seed);
  Market market = BuildCompanies(options, rng, &in);
  BuildLists(options, market, rng, &in);
  return in;
}

common::Status WriteGeneratedInstance(const std::string& dir, const GeneratorOptions& o) {
  SP_RETURN_IF_ERROR(ValidateGeneratorOptions(o));
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return common::Status::InvalidArgument(
        fmt::format("{}:0: cannot create directory: {}", dir, error.message()));
  }
  const matching::Instance in = GenerateInstance(o);
  auto path = [&](const char* name) { return (std::filesystem::path(dir) / name).string(); };
  // Each file is formatted straight into its buffer: 20 million lines at 1M x 20.
  auto write = [&](const char* name, const char* header, auto&& rows) -> common::Status {
    SP_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file, AtomicFile::Create(path(name)));
    file->Append(header);
    rows(*file);
    return file->Commit();
  };
  SP_RETURN_IF_ERROR(write("students.csv", "student_id\n", [&](AtomicFile& f) {
    for (int32_t s = 0; s < in.num_students; ++s) {
      fmt::format_to(std::back_inserter(f.buffer()), "S{}\n", s);
      f.MaybeFlush();
    }
  }));
  SP_RETURN_IF_ERROR(write("positions.csv", "position_id,company_id,capacity\n", [&](AtomicFile& f) {
    for (int32_t p = 0; p < in.num_positions(); ++p) {
      fmt::format_to(std::back_inserter(f.buffer()), "P{},C{},{}\n", p, in.position_company[p],
                     in.position_capacity[p]);
      f.MaybeFlush();
    }
  }));
  SP_RETURN_IF_ERROR(write("preferences.csv", "student_id,position_id,rank\n", [&](AtomicFile& f) {
    for (int32_t s = 0; s < in.num_students; ++s) {
      for (int32_t e = in.pref_begin[s]; e < in.pref_begin[s + 1]; ++e) {
        fmt::format_to(std::back_inserter(f.buffer()), "S{},P{},{}\n", s, in.pref_position[e],
                       in.pref_rank[e]);
      }
      f.MaybeFlush();
    }
  }));
  if (o.priorities) {
    // Only non-zero bands: a missing pair means priority 0.
    SP_RETURN_IF_ERROR(
        write("priorities.csv", "position_id,student_id,priority\n", [&](AtomicFile& f) {
          for (int32_t s = 0; s < in.num_students; ++s) {
            for (int32_t e = in.pref_begin[s]; e < in.pref_begin[s + 1]; ++e) {
              if (in.pref_priority[e] == 0) continue;
              fmt::format_to(std::back_inserter(f.buffer()), "P{},S{},{}\n", in.pref_position[e],
                             s, in.pref_priority[e]);
            }
            f.MaybeFlush();
          }
        }));
  }
  if (o.excluded_companies > 0) {
    SP_RETURN_IF_ERROR(write("exclusions.csv", "company_id\n", [&](AtomicFile& f) {
      for (int32_t c = 0; c < in.num_companies; ++c) {
        if (in.company_excluded[c]) fmt::format_to(std::back_inserter(f.buffer()), "C{}\n", c);
      }
    }));
  }
  return common::Status::Ok();
}

}  // namespace matchio
