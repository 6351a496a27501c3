#include "server/http_server.h"

#include "core/storable_text.h"
#include "server/api_error.h"
#include "server/connection_guard.h"

#include <httplib.h>

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace dermaplan::server {

namespace {

const char* const kApiOnlyPage =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>dermaplan</title></head><body>"
    "<h1>dermaplan</h1><p>This server runs the dermaplan API (<code>/api/</code>, see docs/api.md). "
    "The web interface is not installed here: build it (web/) and start the server with "
    "<code>--web DIR</code>.</p><p>Decision support for a qualified practitioner, not a decision.</p>"
    "</body></html>";

const char* const kNotFoundPage =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Not found - dermaplan</title></head><body>"
    "<h1>Not found</h1><p>There is no such page or file here. <a href=\"/\">Open dermaplan</a>.</p>"
    "</body></html>";

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equal_ignoring_ascii_case(text.substr(0, prefix.size()), prefix);
}

/// A header name as a message may show it: a short run of visible ASCII, else a description.
std::string shown_name(const std::string& name) {
  const bool plain = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return c > 0x20 && c < 0x7F;
  });
  return plain ? "'" + name + "'" : "a header";
}

/// What is wrong with the request's header lines as the library passed them on, or "". RFC
/// 9110 section 5.1 and 5.5, RFC 9112 section 5: a name is a token (no space before its colon,
/// none before it either: a line starting with a space or tab continues the previous one,
/// obsolete line folding, refused); a value holds no control character but the horizontal
/// tab (a NUL, a lone CR, DEL; Cookie aside, below). The library has dropped, unseen, a line without a colon or with
/// an empty value, and a line ending in a bare LF (docs/security.md).
std::string header_problem(const httplib::Headers& headers) {
  static const std::string_view token_symbols = "!#$%&'*+-.^_`|~";
  for (const auto& [name, value] : headers) {
    if (name.empty()) return "a header line starts with a colon (no field name)";
    if (name.front() == ' ' || name.front() == '\t')
      return "a header line starts with a space or tab (obsolete line folding, RFC 9112 section 5.2, is not "
             "accepted): send each header on one line";
    if (name.back() == ' ' || name.back() == '\t')
      return "the header " + shown_name(name.substr(0, name.find_last_not_of(" \t") + 1)) +
             " has a space before its colon (not accepted, RFC 9112 section 5.1)";
    for (const char c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80)
        if (token_symbols.find(c) == std::string_view::npos)
          return "the header name " + shown_name(name) + " has a character a field name cannot have (RFC 9110 section "
                 "5.1: letters, digits and !#$%&'*+-.^_`|~)";
    // The library percent-decodes values, and another site's cookies on the same host may hold
    // an escaped line break ("%0A", as PHP writes them): only the session cookie is read (64 hex
    // digits, else no session), so the cookie line is not held to the value rule.
    if (equal_ignoring_ascii_case(name, "cookie")) continue;
    for (size_t i = 0; i < value.size(); ++i) {
      const auto byte = static_cast<unsigned char>(value[i]);
      if ((byte < 0x20 && byte != '\t') || byte == 0x7F) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", byte);
        return "the header " + shown_name(name) + " has a control character (byte " + hex + " at " +
               std::to_string(i) + " of its value; RFC 9110 section 5.5 allows only the tab). Note the server "
               "percent-decodes header values: %00 arrives as a NUL";
      }
    }
  }
  return "";
}

/// Makes the answer to `req` close its connection, with one "Connection: close" and no
/// "Keep-Alive". The library writes either header itself, from what the request says ("close"
/// when it asked to close, else "Keep-Alive: timeout=..., max=..." whatever the response says), so
/// the request is made to say it (the library's Request is not const, only the handler's view
/// of it); the guard is told whether the library will close the connection once the answer is
/// written (the client asked to, as the library reads it) or the guard is to.
void close_when_answered(const httplib::Request& req, ConnectionGuard* guard) {
  const std::string asked = req.get_header_value("Connection");
  const bool library_closes = asked == "close" || (req.version == "HTTP/1.0" && asked != "Keep-Alive");
  auto& headers = const_cast<httplib::Headers&>(req.headers);
  headers.erase("Connection");
  headers.emplace("Connection", "close");
  if (guard && !req.remote_addr.empty()) guard->closing(req.remote_addr, req.remote_port, library_closes);
}

Request to_request(const httplib::Request& in) {
  Request out;
  out.method = in.method;
  out.path = in.path;
  for (const auto& [k, v] : in.params) out.query.emplace(k, v);
  for (const auto& [k, v] : in.headers) {
    std::string name = k;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = v;
  }
  out.body = in.body;
  out.remote_addr = in.remote_addr;
  return out;
}

/// On every response, the web UI's files and the API's alike (docs/security.md): scripts, styles,
/// images and requests from this origin only (styles may be inline: the UI's components set
/// them), never framed (the signing screen), no referrer sent anywhere, no type sniffing.
const httplib::Headers& security_headers() {
  static const httplib::Headers headers{
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Content-Type-Options", "nosniff"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  };
  return headers;
}

void add_security_headers(httplib::Response& out) {
  for (const auto& [k, v] : security_headers())
    if (!out.has_header(k.c_str())) out.set_header(k.c_str(), v);
}

void send(Response&& in, httplib::Response& out) {
  out.status = in.status;
  for (auto& [k, v] : in.headers) out.headers.emplace(std::move(k), std::move(v));
  add_security_headers(out);
  if (!out.has_header("Cache-Control")) out.set_header("Cache-Control", "no-store");  // a route may set its own
  if (!in.content_type.empty()) {
    out.body = std::move(in.body);  // what set_content does, without copying the body
    out.set_header("Content-Type", in.content_type);
  }
}

}  // namespace

struct HttpServer::Impl {
  httplib::Server http;
  std::unique_ptr<ConnectionGuard> guard;  //!< set once the port is known
  std::thread thread;
};

HttpServer::HttpServer(const Api& api, HttpOptions options) : impl_(std::make_unique<Impl>()) {
  auto& http = impl_->http;
  http.set_tcp_nodelay(true);  // without it: 40 ms stalls per keep-alive response (research)
  const int threads = options.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_keep_alive_max_count(static_cast<size_t>(options.keep_alive_max));
  http.set_keep_alive_timeout(options.keep_alive_timeout_s);
  http.set_read_timeout(options.read_timeout_s, 0);
  http.set_write_timeout(options.write_timeout_s, 0);
  http.set_payload_max_length(32u << 20);  // the photo route's limit plus room; each route checks its own

  Impl* impl = impl_.get();
  const auto handler = [&api, impl](const httplib::Request& req, httplib::Response& res) {
    // The body is read; a connection that missed its deadline has been told 408 and runs nothing.
    if (impl->guard && !impl->guard->handler_started(req.remote_addr, req.remote_port)) {
      res.status = 408;
      return;
    }
    Request request = to_request(req);
    if (ConnectionGuard* guard = impl->guard.get())
      request.client_gone = [guard, addr = req.remote_addr, port = req.remote_port] {
        return guard->client_gone(addr, port);
      };
    send(api.handle(request), res);  // a temporary: its body is moved
    if (impl->guard) impl->guard->handler_finished(req.remote_addr, req.remote_port, res.body.size());
  };
  // Before a body is read (the library reads it after this pre-routing handler, and after
  // answering "Expect: 100-continue"): its framing must be unambiguous (RFC 9112 section 6), its
  // type one the API reads, and the request one the API would take whatever the body says (a
  // session, the role, CSRF, the route's limit). A refusal here closes the connection once
  // written (a lingering close): the unread body cannot be skipped safely. So a client that may
  // not write never gets a body read; one that may is held to its deadline.
  const auto refuse_before_body = [&api, impl](const httplib::Request& req, httplib::Response& res,
                                               size_t& declared) -> bool {
    const auto refuse = [&](int status, const char* code, const std::string& message) {
      res.status = status;
      res.set_content(error_body(code, message), "application/json");
      close_when_answered(req, impl->guard.get());
      add_security_headers(res);
      return true;
    };
    declared = 0;
    if (impl->guard && impl->guard->closed(req.remote_addr, req.remote_port))
      return refuse(400, "bad_request", "this connection was closed after a refusal; open a new one");
    // Header lines a proxy might read otherwise: what follows on the connection cannot be trusted.
    if (const std::string problem = header_problem(req.headers); !problem.empty())
      return refuse(400, "bad_request", problem);
    const bool has_body_method = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    const size_t lengths = req.get_header_value_count("Content-Length");
    // Every API body is JSON of a known size: a length is asked for, chunks are not taken (their
    // size is known only once read). A body without a length would be read until the client
    // closes (the library's way, not RFC 9112's, where it is empty).
    if (req.has_header("Transfer-Encoding")) {
      if (lengths > 0) return refuse(400, "bad_request", "send either Content-Length or Transfer-Encoding, not both");
      return refuse(411, "length_required",
                    "send the body with a Content-Length header (chunked transfer coding is not accepted)");
    }
    if (has_body_method && lengths == 0) {
      // A method the path does not take (405), or a request the API refuses anyway, says so
      // first: a length would not help.
      if (std::optional<Response> refusal = api.refuse_before_body(to_request(req), 0)) {
        send(std::move(*refusal), res);
        close_when_answered(req, impl->guard.get());
        return true;
      }
      return refuse(411, "length_required",
                    req.method + " needs a Content-Length header (a JSON body; {} when there is nothing to send)");
    }
    if (lengths > 0) {
      const std::string first = req.get_header_value("Content-Length");
      for (size_t i = 1; i < lengths; ++i)
        if (req.get_header_value("Content-Length", i) != first)
          return refuse(400, "bad_request", "the request has Content-Length headers that differ");
      if (first.empty() || first.size() > 15 ||
          !std::all_of(first.begin(), first.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return refuse(400, "bad_request", "Content-Length must be a number of bytes (digits only)");
      declared = static_cast<size_t>(std::stoull(first));
    }
    if (declared == 0) return false;
    // The library parses these two types itself (a form, at most 8 KiB; multipart parts),
    // while every API body is JSON.
    const std::string type = req.get_header_value("Content-Type");
    if (starts_with_ignoring_case(type, "application/x-www-form-urlencoded") ||
        starts_with_ignoring_case(type, "multipart/"))
      return refuse(415, "unsupported_media_type",
                    "the body must be JSON, sent with Content-Type: application/json (curl: --json, or "
                    "-H 'Content-Type: application/json' with -d)");
    if (std::optional<Response> refusal = api.refuse_before_body(to_request(req), declared)) {
      send(std::move(*refusal), res);
      close_when_answered(req, impl->guard.get());
      return true;
    }
    return false;
  };
  http.set_expect_100_continue_handler([refuse_before_body](const httplib::Request& req, httplib::Response& res) {
    size_t declared = 0;
    return refuse_before_body(req, res, declared) ? res.status : 100;  // the refusal instead of "go on"
  });
  http.set_pre_routing_handler([refuse_before_body, impl](const httplib::Request& req, httplib::Response& res) {
    size_t declared = 0;
    if (refuse_before_body(req, res, declared)) return httplib::Server::HandlerResponse::Handled;
    const bool is_api = req.path.rfind("/api/", 0) == 0 || req.path == "/api";
    // The API checks its own paths; a file's path with a NUL would name another file (the
    // name ends there) under its own type ("/app.css%00.html" as text/html).
    if (!is_api)
      if (const std::string reason = unstorable_reason(req.path); !reason.empty()) {
        res.status = 400;
        res.set_content(error_body("bad_request", "the path has " + reason + "; send UTF-8 text without NUL bytes"),
                        "application/json");
        add_security_headers(res);
        return httplib::Server::HandlerResponse::Handled;
      }
    // The connection guard's view of each request: read in full within its deadline plus the
    // time the declared body takes; then an API handler's running time is its own (from
    // `handler`); writing its response may take the time its size needs at 64 KiB/s; the web
    // UI's files are small: 1 MiB's worth. The logger runs after the response is sent: the
    // next request's deadline starts.
    if (impl->guard) {
      if (!is_api) impl->guard->handler_finished(req.remote_addr, req.remote_port, 1 << 20);
      else if (declared > 0) impl->guard->body_expected(req.remote_addr, req.remote_port, declared);
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_logger([impl](const httplib::Request& req, const httplib::Response& /*res*/) {
    if (!impl->guard) return;
    // The library keeps the connection open whatever the response says; a response that
    // closes it (a refusal before the body, a request that could not be read) is honoured here.
    // When the client asked to close, the library closes it itself, unless a body was left
    // unread (then closing at once would reset the connection under the client's upload).
    const bool body_unread = req.body.empty() && req.has_header("Content-Length") &&
                             req.get_header_value("Content-Length") != "0";
    const std::optional<bool> library_closes = impl->guard->take_closing(req.remote_addr, req.remote_port);
    if (library_closes && (body_unread || !*library_closes))
      impl->guard->close_connection(req.remote_addr, req.remote_port);
    else impl->guard->handler_finished(req.remote_addr, req.remote_port, 0);
  });
  const bool has_web = !options.web_dir.empty() && std::filesystem::is_directory(options.web_dir);
  std::string index;
  if (has_web) {
    http.set_mount_point("/", options.web_dir, security_headers());
    index = (std::filesystem::path(options.web_dir) / "index.html").string();
  }
  http.Get(".*", [handler, has_web, index](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) == 0 || req.path == "/api") return handler(req, res);
    // The web UI's routes are in the fragment (#/patients/7): "/" is its page. Any other path
    // names a file that is not there (the files that are were served by the mount point).
    if (req.path != "/") {
      res.status = 404;
      res.set_content(kNotFoundPage, "text/html; charset=utf-8");
    } else if (has_web && std::filesystem::exists(index)) {
      std::ifstream in(index, std::ios::binary);
      std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      res.set_content(body, "text/html; charset=utf-8");
    } else {
      res.set_content(kApiOnlyPage, "text/html; charset=utf-8");
    }
    add_security_headers(res);
  });
  http.Post(".*", handler);
  http.Put(".*", handler);
  http.Patch(".*", handler);
  http.Delete(".*", handler);
  http.Options(".*", handler);  // the API answers 405 with the path's Allow header
  // Errors the library answers itself (413 beyond the payload limit, 400 for bad request
  // lines, methods it does not route) get the JSON error body too, with the status that says
  // what was wrong.
  // A path outside the API that is there: the web page ("/") or a file of the web directory.
  const auto web_path_exists = [has_web, web_dir = options.web_dir](const std::string& path) {
    if (path == "/") return true;
    if (!has_web || path.empty() || path.front() != '/' || path.find('\0') != std::string::npos) return false;
    for (const auto& part : std::filesystem::path(path)) if (part == "..") return false;
    std::error_code error;
    return std::filesystem::is_regular_file(std::filesystem::path(web_dir) / path.substr(1), error);
  };
  http.set_error_handler([&api, web_path_exists, impl](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    static const std::set<std::string> kRouted{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    static const std::set<std::string> kKnown{"CONNECT", "TRACE", "PRI"};
    std::string code, message;
    if (res.status == 400 && !req.method.empty() && !kRouted.count(req.method)) {
      res.status = kKnown.count(req.method) ? 405 : 501;
      code = res.status == 405 ? "method_not_allowed" : "not_implemented";
      // The method is the client's text: echoed only when it is a short token of letters.
      const bool printable = req.method.size() <= 16 && std::all_of(req.method.begin(), req.method.end(), [](char c) {
                               return std::isalpha(static_cast<unsigned char>(c)) != 0;
                             });
      message = (printable ? req.method : std::string("the method")) +
                " is not supported here; use GET, POST, PUT, PATCH or DELETE";
      if (res.status == 405) {
        // 405 names the methods of a path that exists: on an API path, those its routes take
        // (the API's 405); elsewhere the web's page and files (GET, HEAD). A path that does not
        // exist is 404 whatever the method.
        std::string allow;
        if (req.path.rfind("/api/", 0) == 0 || req.path == "/api") {
          if (std::optional<Response> refusal = api.refuse_before_body(to_request(req), 0); refusal && refusal->status == 405)
            for (const auto& [name, value] : refusal->headers)
              if (name == "Allow") allow = value;
        } else if (web_path_exists(req.path)) {
          allow = "GET, HEAD";
        }
        if (allow.empty()) {
          res.status = 404;
          code = "not_found";
          message = "no such endpoint or file: " + (req.path.size() <= 200 && unstorable_reason(req.path).empty()
                                                         ? req.path
                                                         : std::string("(the path)"));
        } else {
          res.set_header("Allow", allow);
          message = (printable ? req.method : std::string("the method")) + " is not allowed here; allowed: " + allow;
        }
      }
      close_when_answered(req, impl->guard.get());  // what follows on this connection cannot be trusted
    } else {
      // The library could not read the request (or would not read its body): where the next one
      // starts is unknown.
      if (res.status >= 400 && res.status != 404) close_when_answered(req, impl->guard.get());
      code = res.status == 413 ? "payload_too_large"
             : res.status == 404 ? "not_found"
             : res.status == 414 ? "uri_too_long"
             : res.status < 500 ? "bad_request"
                                : "internal";
      message = res.status == 413   ? "the request body is too large"
                : res.status == 404 ? "no such endpoint"
                : res.status == 414 ? "the request line is too long"
                                    : "the request could not be read (HTTP " + std::to_string(res.status) +
                                          "): check the request line, the headers and the body's length";
    }
    res.set_content(error_body(code, message), "application/json");
    add_security_headers(res);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(error_body("internal", "internal error"), "application/json");
  });
  // The library listens with a backlog of 5 (compiled into Debian's libcpp-httplib). When more
  // clients connect at once, the kernel drops their handshakes and they retry after 1 s (then
  // 3 s): a one-second stall for, say, the web UI's parallel requests or a pool of 64 clients.
  // So the listening socket is remembered here and listen() is called again with a real backlog
  // (Linux updates the backlog of a socket that is already listening).
  socket_t listening = INVALID_SOCKET;
  http.set_socket_options([&listening](socket_t sock) {
    httplib::default_socket_options(sock);
    listening = sock;
  });
  if (options.port == 0) {
    port_ = http.bind_to_any_port(options.bind);
  } else {
    port_ = http.bind_to_port(options.bind, options.port) ? options.port : -1;
  }
  if (port_ <= 0)
    throw std::runtime_error("cannot listen on " + options.bind + ":" + std::to_string(options.port) +
                             " (address in use or not available)");
  if (listening == INVALID_SOCKET || ::listen(listening, options.listen_backlog) != 0)
    throw std::runtime_error("cannot set the listen backlog on " + options.bind + ":" + std::to_string(port_));
  http.set_socket_options(httplib::default_socket_options);

  ConnectionLimits limits;
  limits.keep_alive = std::chrono::seconds(options.keep_alive_timeout_s);
  limits.request_timeout = std::chrono::seconds(options.request_timeout_s);
  limits.max_per_address = options.max_connections_per_address;
  limits.exempt_addresses = options.unlimited_addresses;
  limits.threads = options.threads;
  // RFC 9110 section 15.5.9: the client learns why, and that it may send the request again.
  const std::string timeout_body =
      error_body("request_timeout",
                 "the request (its header and body) did not arrive within " +
                     std::to_string(options.keep_alive_timeout_s + options.request_timeout_s) +
                     " s of the connection opening or of the previous answer (plus the time its declared body takes "
                     "at 64 KiB/s); send it again on a new connection");
  std::string timeout_response = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(timeout_body.size()) + "\r\nConnection: close\r\nCache-Control: no-store\r\n";
  for (const auto& [name, value] : security_headers()) timeout_response += name + ": " + value + "\r\n";
  limits.timeout_response = timeout_response + "\r\n" + timeout_body;
  impl_->guard = std::make_unique<ConnectionGuard>(port_, limits);
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::start() {
  impl_->thread = std::thread([this] { impl_->http.listen_after_bind(); });
  for (int i = 0; i < 5000 && !impl_->http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return port_;
}

void HttpServer::run() { impl_->http.listen_after_bind(); }

void HttpServer::stop() {
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

long long HttpServer::connections_timed_out() const { return impl_->guard ? impl_->guard->timed_out() : 0; }
long long HttpServer::connections_over_limit() const { return impl_->guard ? impl_->guard->over_limit() : 0; }
long long HttpServer::connections_shed() const { return impl_->guard ? impl_->guard->shed_under_pressure() : 0; }

}  // namespace dermaplan::server
