#pragma once
// What Redis answered, as a value: nil, an integer, a string (bulk or status, "OK"), an array, or an
// error. Failures of the client itself (refused, timed out, closed) are error replies too, so a
// caller handles one kind of failure and nothing throws.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow::redis {

struct Reply {
    enum class Type { nil, integer, string, array, error };

    Type type = Type::nil;
    std::int64_t integer = 0;
    std::string str;             // Type::string: the value; Type::error: the message ("ERR ...", "NOSCRIPT ...")
    std::vector<Reply> elements; // Type::array

    static Reply error(std::string message) { return Reply(Type::error, 0, std::move(message)); }
    static Reply of_integer(std::int64_t value) { return Reply(Type::integer, value, {}); }
    static Reply of_string(std::string value) { return Reply(Type::string, 0, std::move(value)); }
    static Reply of_array(std::vector<Reply> elements) {
        Reply r;
        r.type = Type::array;
        r.elements = std::move(elements);
        return r;
    }

    bool is_error() const { return type == Type::error; }
    bool is_nil() const { return type == Type::nil; }
    // An error whose code (its first word) is code: "NOSCRIPT", "WRONGPASS", "NOAUTH".
    bool is_error(std::string_view code) const;
    // For messages and tests: 7, "text", nil, [1, "a"], (error) ERR ...
    std::string to_string() const;

    bool operator==(const Reply&) const = default;

    Reply() = default;

private:
    Reply(Type type, std::int64_t integer, std::string str) : type(type), integer(integer), str(std::move(str)) {}
};

} // namespace proxflow::redis
