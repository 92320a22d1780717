// A hash map whose copies share their storage: entries live in shards held
// by shared pointer, and a change copies only the shard it touches, when
// that shard is shared. So a copy of a map of 100,000 entries with one
// entry changed costs one shard's copy, not the whole map's.
//
//   ShardedMap<std::string, int> a;
//   a.insert_or_assign("x", 1);
//   ShardedMap<std::string, int> b = a;  // shares every shard
//   b.insert_or_assign("y", 2);          // copies y's shard only
//
// Not thread-safe for writes; copies may be read from any thread while
// other copies are written.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

namespace catalog {

template <typename K, typename V, typename Hash = std::hash<K>,
          size_t kShards = 256>
class ShardedMap {
 public:
  using Shard = std::unordered_map<K, V, Hash>;

  const V* find(const K& key) const {
    const std::shared_ptr<Shard>& s = shards_[ShardOf(key)];
    if (!s) return nullptr;
    auto it = s->find(key);
    return it == s->end() ? nullptr : &it->second;
  }

  // The entry to change in place (its shard made this map's own first).
  V* find_mutable(const K& key) {
    size_t i = ShardOf(key);
    if (!shards_[i] || shards_[i]->find(key) == shards_[i]->end()) return nullptr;
    return &Own(i).find(key)->second;
  }

  void insert_or_assign(K key, V value) {
    size_t i = ShardOf(key);
    if (Own(i).insert_or_assign(std::move(key), std::move(value)).second) ++size_;
  }

  bool erase(const K& key) {
    size_t i = ShardOf(key);
    if (!shards_[i] || shards_[i]->find(key) == shards_[i]->end()) return false;
    Own(i).erase(key);
    --size_;
    return true;
  }

  // Calls fn(key, value&) for every entry; makes every shard this map's own.
  template <typename Fn>
  void for_each_mutable(Fn fn) {
    for (size_t i = 0; i < kShards; ++i) {
      if (!shards_[i]) continue;
      for (auto& [k, v] : Own(i)) fn(k, v);
    }
  }

  // Calls fn(key, value) for every entry.
  template <typename Fn>
  void for_each(Fn fn) const {
    for (const std::shared_ptr<Shard>& s : shards_) {
      if (!s) continue;
      for (const auto& [k, v] : *s) fn(k, v);
    }
  }

  size_t size() const { return size_; }

 private:
  static size_t ShardOf(const K& key) {
    // The high bits of a multiplied hash: the shard's own buckets use the
    // low ones.
    uint64_t h = static_cast<uint64_t>(Hash{}(key)) * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h >> 32) % kShards;
  }

  Shard& Own(size_t i) {
    std::shared_ptr<Shard>& s = shards_[i];
    if (!s) {
      s = std::make_shared<Shard>();
    } else if (s.use_count() > 1) {
      s = std::make_shared<Shard>(*s);
    }
    return *s;
  }

  std::array<std::shared_ptr<Shard>, kShards> shards_;
  size_t size_ = 0;
};

}  // namespace catalog
