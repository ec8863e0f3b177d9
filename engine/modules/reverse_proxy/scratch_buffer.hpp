#pragma once
#include <cstddef>
#include <memory>
#include <vector>

namespace proxflow {

// A 64 KiB relay buffer borrowed from a per-thread free list for the length of one proxied request,
// so bodies move in large pieces without a heap allocation per request.
class ScratchBuffer {
public:
    static constexpr std::size_t capacity = 64 * 1024;
    ScratchBuffer() {
        auto& free = free_list();
        if (free.empty()) {
            data_ = std::make_unique<char[]>(capacity);
        } else {
            data_ = std::move(free.back());
            free.pop_back();
        }
    }
    ~ScratchBuffer() {
        auto& free = free_list();
        if (free.size() < 64) free.push_back(std::move(data_));
    }
    ScratchBuffer(const ScratchBuffer&) = delete;
    ScratchBuffer& operator=(const ScratchBuffer&) = delete;

    char* data() { return data_.get(); }
    std::size_t size() const { return capacity; }

private:
    static std::vector<std::unique_ptr<char[]>>& free_list() {
        thread_local std::vector<std::unique_ptr<char[]>> list;
        return list;
    }
    std::unique_ptr<char[]> data_;
};

} // namespace proxflow
