#include "interop/fhir_bulk.h"

#include "core/errors.h"
#include "interop/fhir_export.h"

#include <fmt/format.h>

namespace dermaplan::interop {

FhirBulkWriter::FhirBulkWriter(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  if (error) throw InputError("--out", fmt::format("cannot create '{}': {}", dir_.string(), error.message()));
  if (std::filesystem::exists(dir_ / "manifest.json"))
    throw InputError("--out", fmt::format("'{}' already holds an export (manifest.json); choose an empty directory",
                                          dir_.string()));
}

FhirBulkWriter::~FhirBulkWriter() = default;

void FhirBulkWriter::add(const std::vector<nlohmann::json>& resources) {
  for (const auto& resource : resources) {
    const std::string type = resource.at("resourceType").get<std::string>();
    auto& file = files_[type];
    if (!file) {
      file = std::make_unique<std::ofstream>(dir_ / (type + ".ndjson"), std::ios::binary | std::ios::trunc);
      if (!*file) throw std::runtime_error(fmt::format("cannot write '{}'", (dir_ / (type + ".ndjson")).string()));
    }
    *file << resource.dump() << '\n';
    ++counts_[type];
    ++total_;
  }
}

void FhirBulkWriter::finish(long long transaction_time_ms, const std::string& request) {
  nlohmann::json output = nlohmann::json::array();
  for (auto& [type, file] : files_) {
    file->flush();
    if (!*file) throw std::runtime_error(fmt::format("writing '{}.ndjson' failed", type));
    file->close();
    output.push_back({{"type", type}, {"url", type + ".ndjson"}, {"count", counts_[type]}});
  }
  const nlohmann::json manifest = {{"transactionTime", fhir_instant(transaction_time_ms)},
                                   {"request", request},
                                   {"requiresAccessToken", false},
                                   {"output", output},
                                   {"error", nlohmann::json::array()}};
  std::ofstream out(dir_ / "manifest.json", std::ios::binary | std::ios::trunc);
  out << manifest.dump(2) << '\n';
  if (!out.flush()) throw std::runtime_error("writing manifest.json failed");
}

}  // namespace dermaplan::interop
