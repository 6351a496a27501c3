#include "interop/practice.h"

#include "core/errors.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace dermaplan::interop {

std::string Practice::contact_line() const {
  std::string out = name;
  auto add = [&](const std::string& part) {
    if (!part.empty()) out += " · " + part;
  };
  for (const auto& line : address) add(line);
  add(phone);
  add(email);
  add(website);
  return out;
}

namespace {
std::string where(const std::string& file, const YAML::Node& node) {
  return node.Mark().line < 0 ? file : fmt::format("{}:{}", file, node.Mark().line + 1);
}

std::string text(const std::string& file, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) throw InputError(where(file, node), fmt::format("'{}' must be text", key));
  return node.Scalar();
}

std::vector<std::string> lines(const std::string& file, const YAML::Node& node, const std::string& key) {
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) throw InputError(where(file, node), fmt::format("'{}' must be text or a list of text", key));
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(text(file, item, key));
  return out;
}
}  // namespace

Practice parse_practice(const std::string& source, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(source);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}:{}", file, e.mark.line + 1), e.msg);
  }
  if (!root.IsMap()) throw InputError(where(file, root), "the practice settings must be a map of keys");
  Practice p;
  static const char* const kAccepted = "name, address, phone, email, website, when_to_call, warning_signs";
  for (const auto& item : root) {
    const std::string key = item.first.IsScalar() ? item.first.Scalar() : "";
    const YAML::Node& value = item.second;
    if (key == "name") p.name = text(file, value, key);
    else if (key == "address") p.address = lines(file, value, key);
    else if (key == "phone") p.phone = text(file, value, key);
    else if (key == "email") p.email = text(file, value, key);
    else if (key == "website") p.website = text(file, value, key);
    else if (key == "when_to_call") p.when_to_call = text(file, value, key);
    else if (key == "warning_signs") p.warning_signs = lines(file, value, key);
    else throw InputError(where(file, item.first), fmt::format("unknown key '{}'; accepted: {}", key, kAccepted));
  }
  if (p.name.empty()) throw InputError(where(file, root["name"]), "'name' must not be empty");
  return p;
}

Practice load_practice(const std::string& path, const std::string& option) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(option, fmt::format("cannot open '{}'", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > 64 * 1024) throw InputError(option, fmt::format("'{}' is larger than 64 KiB", path));
  return parse_practice(text.str(), path);
}

}  // namespace dermaplan::interop
