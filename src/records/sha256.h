// SHA-256 (libsodium) for photo addressing and the audit hash chain.
#pragma once

#include <string>
#include <string_view>

namespace dermaplan::records {

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

/// The audit chain link: hex SHA-256 of (the 32 bytes that `previous_hex` encodes || text).
/// An empty previous_hex stands for 32 zero bytes (the start of the chain).
std::string chain_hash_hex(std::string_view previous_hex, std::string_view text);

/// True if `text` is 64 lower-case hex digits.
bool is_sha256_hex(std::string_view text);

}  // namespace dermaplan::records
