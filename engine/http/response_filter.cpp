#include "http/response_filter.hpp"

#include "http/field_lookup.hpp"
#include "http/relay.hpp"
#include "http/request_context.hpp"

#include <array>
#include <charconv>
#include <span>

namespace proxflow {
namespace {

std::optional<std::uint64_t> content_length(const http::response_header<>& header) {
    if (says_chunked(header)) return std::nullopt;
    const auto text = field_value(header, http::field::content_length);
    std::uint64_t value = 0;
    if (text.empty() || std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc{}) return std::nullopt;
    return value;
}

} // namespace

ResponseBodyWriter::ResponseBodyWriter(RequestContext& ctx, http::response_header<>& header) : ctx_(ctx), header_(header) {
    for (const auto& filter : ctx.response_filters) lookahead_ = std::max(lookahead_, filter->lookahead());
}

void ResponseBodyWriter::start_filters(std::uint64_t body_length, bool length_exact) {
    started_ = true;
    for (auto it = ctx_.response_filters.rbegin(); it != ctx_.response_filters.rend(); ++it)
        if ((*it)->start(header_, body_length, length_exact)) active_.push_back(it->get());
    if (active_.empty()) {
        chunked_ = says_chunked(header_);
        return;
    }
    header_.erase(http::field::content_length);
    if (ctx_.client_version >= 11) {
        header_.set(http::field::transfer_encoding, "chunked");
        chunked_ = true;
    } else {
        header_.erase(http::field::transfer_encoding);
        ctx_.close_connection = true;
        header_.set(http::field::connection, "close");
        chunked_ = false;
    }
}

awaitable<bool> ResponseBodyWriter::write(std::string_view piece, bool flush, bool last) {
    if (!started_) {
        const auto length = content_length(header_);
        held_.append(piece);
        if (!last && !length && held_.size() <= lookahead_) co_return true;
        start_filters(length ? *length : held_.size(), length || last);
        piece = held_;
    }
    std::string_view body = piece;
    for (ResponseFilter* filter : active_) {
        std::string& out = body.data() == out_a_.data() ? out_b_ : out_a_;
        out.clear();
        filter->transform(body, flush, last, out);
        body = out;
        if (filter->failed()) {
            co_await send(body, false);
            ctx_.close_connection = true;
            co_return false;
        }
    }
    const bool ok = co_await send(body, last);
    held_.clear();
    co_return ok;
}

awaitable<bool> ResponseBodyWriter::send(std::string_view body, bool last) {
    static constexpr std::string_view crlf = "\r\n", last_chunk = "0\r\n\r\n";
    std::array<asio::const_buffer, 5> pieces;
    std::size_t count = 0;
    if (!head_sent_) {
        serialize_header(header_, head_);
        pieces[count++] = asio::buffer(head_);
    }
    char size_line[24];
    if (chunked_) {
        if (!body.empty()) {
            auto [end, err] = std::to_chars(size_line, size_line + 16, body.size(), 16);
            *end++ = '\r';
            *end++ = '\n';
            pieces[count++] = asio::buffer(size_line, static_cast<std::size_t>(end - size_line));
            pieces[count++] = asio::buffer(body.data(), body.size());
            pieces[count++] = asio::buffer(crlf);
        }
        if (last) pieces[count++] = asio::buffer(last_chunk);
    } else if (!body.empty()) {
        pieces[count++] = asio::buffer(body.data(), body.size());
    }
    head_sent_ = true;
    if (count == 0) co_return true;
    auto [ec, written] = co_await asio::async_write(ctx_.client, std::span<const asio::const_buffer>(pieces.data(), count), use_nothrow);
    ctx_.bytes_written += written;
    if (ec) {
        ctx_.close_connection = true;
        co_return false;
    }
    ctx_.body_bytes_written += body.size();
    co_return true;
}

} // namespace proxflow
