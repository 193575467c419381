// The wasi_snapshot_preview1 ABI as data: type codes, flag bits, struct sizes and field offsets
// (from the witx definitions, checked against wasi-libc's <wasi/api.h> static asserts), and the
// mapping of host errno values to preview1 errno codes. Guest memory is little-endian; so are the
// hosts wcr runs on (checked below), so fields are stored with memcpy.
#pragma once

#include <bit>
#include <cstdint>

#include "wasi/p3/errno.h"
#include "wasi/p3/host_fs.h"

namespace wcr::wasi::p1 {

static_assert(std::endian::native == std::endian::little, "preview1 structs are little-endian");

// errno (u16).
enum class WasiErrno : uint16_t {
  Success = 0,
  TooBig = 1,
  Access = 2,
  AddrInUse = 3,
  AddrNotAvail = 4,
  AfNoSupport = 5,
  Again = 6,
  Already = 7,
  BadF = 8,
  BadMsg = 9,
  Busy = 10,
  Canceled = 11,
  Child = 12,
  ConnAborted = 13,
  ConnRefused = 14,
  ConnReset = 15,
  DeadLk = 16,
  DestAddrReq = 17,
  Dom = 18,
  DQuot = 19,
  Exist = 20,
  Fault = 21,
  FBig = 22,
  HostUnreach = 23,
  IdRm = 24,
  IlSeq = 25,
  InProgress = 26,
  Intr = 27,
  Inval = 28,
  Io = 29,
  IsConn = 30,
  IsDir = 31,
  Loop = 32,
  MFile = 33,
  MLink = 34,
  MsgSize = 35,
  MultiHop = 36,
  NameTooLong = 37,
  NetDown = 38,
  NetReset = 39,
  NetUnreach = 40,
  NFile = 41,
  NoBufs = 42,
  NoDev = 43,
  NoEnt = 44,
  NoExec = 45,
  NoLck = 46,
  NoLink = 47,
  NoMem = 48,
  NoMsg = 49,
  NoProtoOpt = 50,
  NoSpc = 51,
  NoSys = 52,
  NotConn = 53,
  NotDir = 54,
  NotEmpty = 55,
  NotRecoverable = 56,
  NotSock = 57,
  NotSup = 58,
  NoTty = 59,
  NxIo = 60,
  Overflow = 61,
  OwnerDead = 62,
  Perm = 63,
  Pipe = 64,
  Proto = 65,
  ProtoNoSupport = 66,
  ProtoType = 67,
  Range = 68,
  RoFs = 69,
  SPipe = 70,
  Srch = 71,
  Stale = 72,
  TimedOut = 73,
  TxtBsy = 74,
  XDev = 75,
  NotCapable = 76,
};

// The preview1 code of a host errno (unknown ones: IO, as Wasmtime does).
WasiErrno toWasiErrno(p3::Errno error);

// filetype (u8).
enum class Filetype : uint8_t {
  Unknown = 0,
  BlockDevice = 1,
  CharacterDevice = 2,
  Directory = 3,
  RegularFile = 4,
  SocketDgram = 5,
  SocketStream = 6,
  SymbolicLink = 7,
};
Filetype toFiletype(p3::DescriptorType type);

// rights (u64): bit i of the witx list.
namespace rights {
inline constexpr uint64_t kFdDatasync = 1ull << 0;
inline constexpr uint64_t kFdRead = 1ull << 1;
inline constexpr uint64_t kFdSeek = 1ull << 2;
inline constexpr uint64_t kFdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t kFdSync = 1ull << 4;
inline constexpr uint64_t kFdTell = 1ull << 5;
inline constexpr uint64_t kFdWrite = 1ull << 6;
inline constexpr uint64_t kFdAdvise = 1ull << 7;
inline constexpr uint64_t kFdAllocate = 1ull << 8;
inline constexpr uint64_t kPathCreateDirectory = 1ull << 9;
inline constexpr uint64_t kPathCreateFile = 1ull << 10;
inline constexpr uint64_t kPathLinkSource = 1ull << 11;
inline constexpr uint64_t kPathLinkTarget = 1ull << 12;
inline constexpr uint64_t kPathOpen = 1ull << 13;
inline constexpr uint64_t kFdReaddir = 1ull << 14;
inline constexpr uint64_t kPathReadlink = 1ull << 15;
inline constexpr uint64_t kPathRenameSource = 1ull << 16;
inline constexpr uint64_t kPathRenameTarget = 1ull << 17;
inline constexpr uint64_t kPathFilestatGet = 1ull << 18;
inline constexpr uint64_t kPathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t kPathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t kFdFilestatGet = 1ull << 21;
inline constexpr uint64_t kFdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t kFdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t kPathSymlink = 1ull << 24;
inline constexpr uint64_t kPathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t kPathUnlinkFile = 1ull << 26;
inline constexpr uint64_t kPollFdReadwrite = 1ull << 27;
inline constexpr uint64_t kSockShutdown = 1ull << 28;
inline constexpr uint64_t kSockAccept = 1ull << 29;
inline constexpr uint64_t kAll = (1ull << 30) - 1;

// What descriptors report (fdstat); the same sets as Wasmtime, so programs that look at them
// (wasi-libc's open() intersects with a directory's inheriting rights, isatty() checks seek and
// tell) behave alike. Rights are reported, not enforced: access is what the host fd allows.
inline constexpr uint64_t kPreopenBase = 0x7b7fe00;
inline constexpr uint64_t kPreopenInheriting = 0xff7ffff;
inline constexpr uint64_t kDirectory =
    kAll & ~(kFdSeek | kFdWrite | kPathFilestatSetSize | kFdFilestatSetSize);  // 0x3fb7ffbb
inline constexpr uint64_t kStdin = kFdRead;
inline constexpr uint64_t kStdout = kFdWrite;
// A file: everything, less reading when not open for reading, less writing when not for writing.
inline constexpr uint64_t kFileNotReadable = kFdRead | kFdReaddir;
inline constexpr uint64_t kFileNotWritable = kFdWrite;
}  // namespace rights

// fdflags (u16), oflags (u16), lookupflags (u32), fstflags (u16).
namespace fdflags {
inline constexpr uint32_t kAppend = 1, kDsync = 2, kNonblock = 4, kRsync = 8, kSync = 16;
inline constexpr uint32_t kAll = 31;
}  // namespace fdflags
namespace oflags {
inline constexpr uint32_t kCreat = 1, kDirectory = 2, kExcl = 4, kTrunc = 8;
inline constexpr uint32_t kAll = 15;
}  // namespace oflags
inline constexpr uint32_t kLookupSymlinkFollow = 1;
namespace fstflags {
inline constexpr uint32_t kAtim = 1, kAtimNow = 2, kMtim = 4, kMtimNow = 8;
inline constexpr uint32_t kAll = 15;
}  // namespace fstflags

// whence (u8), advice (u8), clockid (u32), eventtype (u8), subclockflags (u16),
// eventrwflags (u16), preopentype (u8).
inline constexpr uint32_t kWhenceSet = 0, kWhenceCur = 1, kWhenceEnd = 2;
inline constexpr uint32_t kAdviceMax =
    5;  // normal, sequential, random, willneed, dontneed, noreuse
inline constexpr uint32_t kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2,
                          kClockThreadCputime = 3;
inline constexpr uint8_t kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2;
inline constexpr uint16_t kSubclockAbstime = 1;
inline constexpr uint16_t kEventFdReadwriteHangup = 1;
inline constexpr uint8_t kPreopenTypeDir = 0;

// Struct sizes and field offsets.
namespace layout {
inline constexpr uint32_t kIovecSize = 8;  // buf u32 @0, buf_len u32 @4
inline constexpr uint32_t kFdstatSize = 24;
inline constexpr uint32_t kFdstatFiletype = 0, kFdstatFlags = 2, kFdstatRightsBase = 8,
                          kFdstatRightsInheriting = 16;
inline constexpr uint32_t kFilestatSize = 64;
inline constexpr uint32_t kFilestatDev = 0, kFilestatIno = 8, kFilestatFiletype = 16,
                          kFilestatNlink = 24, kFilestatFileSize = 32, kFilestatAtim = 40,
                          kFilestatMtim = 48, kFilestatCtim = 56;
inline constexpr uint32_t kPrestatSize = 8;  // tag u8 @0, pr_name_len u32 @4
inline constexpr uint32_t kPrestatTag = 0, kPrestatNameLen = 4;
inline constexpr uint32_t kDirentSize = 24;
inline constexpr uint32_t kDirentNext = 0, kDirentIno = 8, kDirentNamlen = 16, kDirentType = 20;
inline constexpr uint32_t kSubscriptionSize = 48;
inline constexpr uint32_t kSubscriptionUserdata = 0, kSubscriptionTag = 8,
                          kSubscriptionClockId = 16, kSubscriptionClockTimeout = 24,
                          kSubscriptionClockPrecision = 32, kSubscriptionClockFlags = 40,
                          kSubscriptionFd = 16;
inline constexpr uint32_t kEventSize = 32;
inline constexpr uint32_t kEventUserdata = 0, kEventError = 8, kEventType = 10, kEventNbytes = 16,
                          kEventFlags = 24;
}  // namespace layout

}  // namespace wcr::wasi::p1
