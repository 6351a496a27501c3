#include "records/signed_content.h"

#include <nlohmann/json.hpp>

#include "records/sha256.h"
#include "records/soci_store.h"

namespace dermaplan::records {
namespace {

enum class Kind { integer, real, text };

struct Column {
  const char* name;
  Kind kind;
};

/// The row's cells as a JSON array, each by its declared kind (so that both backends, whose
/// drivers report types differently, give the same text).
nlohmann::json cells(const soci::row& r, const std::vector<Column>& columns) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (r.get_indicator(i) == soci::i_null) {
      out.push_back(nullptr);
      continue;
    }
    switch (columns[i].kind) {
      case Kind::integer: out.push_back(row_int(r, i)); break;
      case Kind::real: out.push_back(row_real(r, i)); break;
      case Kind::text: out.push_back(row_text(r, i)); break;
    }
  }
  return out;
}

std::string names(const std::vector<Column>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + std::string(c.name);
  return out;
}

std::string digest(const nlohmann::json& doc) {
  return sha256_hex(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

constexpr Kind I = Kind::integer;
constexpr Kind R = Kind::real;
constexpr Kind T = Kind::text;

}  // namespace

std::string signed_session_sha256(soci::session& sql, long long session_id) {
  static const std::vector<Column> session{
      {"id", I},          {"patient_id", I},      {"plan_id", I},       {"session_date", T},
      {"practitioner_id", I}, {"device_id", T},   {"lot_number", T},    {"passes", I},
      {"directions", T},  {"anaesthetic", T},     {"anaesthetic_minutes", I}, {"end_point", T},
      {"products_applied", T}, {"notes", T},      {"status", T},        {"signed_by", I},
      {"signed_at_ms", I}, {"created_by", I},     {"created_at_ms", I}};
  static const std::vector<Column> needles{{"region", T}, {"needle_length_mm", R}};
  nlohmann::json doc = nlohmann::json::array({"session-v1"});
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << names(session) << " FROM treatment_sessions WHERE id = :id", soci::use(session_id));
    bool found = false;
    for (const auto& r : rows) {
      doc.push_back(cells(r, session));
      found = true;
    }
    if (!found) return "";
  }
  nlohmann::json lengths = nlohmann::json::array();
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << names(needles)
                                              << " FROM session_needle_lengths WHERE session_id = :id ORDER BY region",
                                  soci::use(session_id));
  for (const auto& r : rows) lengths.push_back(cells(r, needles));
  doc.push_back(std::move(lengths));
  return digest(doc);
}

std::string amendment_sha256(soci::session& sql, long long amendment_id) {
  static const std::vector<Column> amendment{{"id", I},       {"session_id", I}, {"author_id", I}, {"amended_at_ms", I},
                                             {"field", T},    {"old_value", T},  {"new_value", T}, {"reason", T}};
  nlohmann::json doc = nlohmann::json::array({"amendment-v1"});
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " << names(amendment) << " FROM amendments WHERE id = :id", soci::use(amendment_id));
  for (const auto& r : rows) doc.push_back(cells(r, amendment));
  if (doc.size() == 1) return "";
  return digest(doc);
}

}  // namespace dermaplan::records
