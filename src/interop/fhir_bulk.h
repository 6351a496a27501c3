// The FHIR bulk-data layout of a practice-wide export: one NDJSON file per resource type
// (Patient.ndjson, Procedure.ndjson, ...; one resource per line, references "Type/id") and a
// manifest.json as the bulk-data export's completion response describes it. Resources are
// written as they come, so memory does not grow with the practice. Not thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dermaplan::interop {

class FhirBulkWriter {
 public:
  /// Creates `dir` if needed. InputError "--out" when it holds an export already (manifest.json)
  /// or cannot be created.
  explicit FhirBulkWriter(std::filesystem::path dir);
  ~FhirBulkWriter();

  /// Appends each resource to the file of its resourceType.
  void add(const std::vector<nlohmann::json>& resources);
  /// Flushes every file and writes manifest.json. `transaction_time_ms` is the export's time,
  /// `request` what was asked (e.g. "dermaplan export fhir --all").
  void finish(long long transaction_time_ms, const std::string& request);

  /// Resources written so far, by type.
  const std::map<std::string, long long>& counts() const { return counts_; }
  long long total() const { return total_; }

 private:
  std::filesystem::path dir_;
  std::map<std::string, std::unique_ptr<std::ofstream>> files_;
  std::map<std::string, long long> counts_;
  long long total_ = 0;
};

}  // namespace dermaplan::interop
