// The thin interface between the HTTP library and the API: a request and a response as plain
// values. Only http_server.cpp knows cpp-httplib; handlers and tests see these structs.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dermaplan::server {

struct Request {
  std::string method;                              //!< "GET", "POST", ...
  std::string path;                                //!< without the query string
  std::multimap<std::string, std::string> query;   //!< decoded query parameters
  std::map<std::string, std::string> headers;      //!< names in lower case
  std::string body;
  std::string remote_addr;                         //!< the client's IP address
  /// True once the client has closed its connection, so costly work for it may stop. Empty
  /// when the transport cannot tell (tests calling Api::handle directly).
  std::function<bool()> client_gone;

  /// The header's value, or "" when absent (`name` in lower case).
  const std::string& header(const std::string& name) const;
  /// The first value of a query parameter, or "".
  std::string query_value(const std::string& name) const;
  bool has_query(const std::string& name) const { return query.count(name) > 0; }
  /// The value of one cookie from the Cookie header, or "".
  std::string cookie(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  //!< Set-Cookie may repeat
};

}  // namespace dermaplan::server
