// A temporary directory tree for the wasi tests: ROOT/outside.txt beside ROOT/sandbox (the
// directory the tests treat as a preopen), removed with everything in it at the end.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace wcr::test::wasi {

class TempTree {
 public:
  TempTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "wcr-wasi-XXXXXX").string();
    root_ = ::mkdtemp(pattern.data());
    std::filesystem::create_directory(sandbox());
    write("outside.txt", "outside\n");
  }
  ~TempTree() { std::filesystem::remove_all(root_); }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  std::string root() const { return root_; }
  std::string sandbox() const { return root_ + "/sandbox"; }
  // Paths relative to the root.
  std::string path(const std::string& relative) const { return root_ + "/" + relative; }
  void write(const std::string& relative, const std::string& text) const {
    std::ofstream(path(relative), std::ios::binary) << text;
  }
  std::string read(const std::string& relative) const {
    std::ifstream in(path(relative), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bool exists(const std::string& relative) const {
    return std::filesystem::exists(std::filesystem::symlink_status(path(relative)));
  }
  void mkdir(const std::string& relative) const {
    std::filesystem::create_directory(path(relative));
  }
  void symlink(const std::string& target, const std::string& relative) const {
    std::filesystem::create_symlink(target, path(relative));
  }

 private:
  std::string root_;
};

}  // namespace wcr::test::wasi
