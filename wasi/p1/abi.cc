// Host errno and descriptor types to their preview1 codes.
#include "wasi/p1/abi.h"

#include <cerrno>

namespace wcr::wasi::p1 {

WasiErrno toWasiErrno(p3::Errno error) {
  switch (error.value) {
    case 0:
      return WasiErrno::Success;
    case E2BIG:
      return WasiErrno::TooBig;
    case EACCES:
      return WasiErrno::Access;
    case EADDRINUSE:
      return WasiErrno::AddrInUse;
    case EADDRNOTAVAIL:
      return WasiErrno::AddrNotAvail;
    case EAFNOSUPPORT:
      return WasiErrno::AfNoSupport;
    case EAGAIN:
      return WasiErrno::Again;  // == EWOULDBLOCK
    case EALREADY:
      return WasiErrno::Already;
    case EBADF:
      return WasiErrno::BadF;
    case EBADMSG:
      return WasiErrno::BadMsg;
    case EBUSY:
      return WasiErrno::Busy;
    case ECANCELED:
      return WasiErrno::Canceled;
    case ECHILD:
      return WasiErrno::Child;
    case ECONNABORTED:
      return WasiErrno::ConnAborted;
    case ECONNREFUSED:
      return WasiErrno::ConnRefused;
    case ECONNRESET:
      return WasiErrno::ConnReset;
    case EDEADLK:
      return WasiErrno::DeadLk;
    case EDESTADDRREQ:
      return WasiErrno::DestAddrReq;
    case EDOM:
      return WasiErrno::Dom;
    case EDQUOT:
      return WasiErrno::DQuot;
    case EEXIST:
      return WasiErrno::Exist;
    case EFAULT:
      return WasiErrno::Fault;
    case EFBIG:
      return WasiErrno::FBig;
    case EHOSTUNREACH:
      return WasiErrno::HostUnreach;
    case EIDRM:
      return WasiErrno::IdRm;
    case EILSEQ:
      return WasiErrno::IlSeq;
    case EINPROGRESS:
      return WasiErrno::InProgress;
    case EINTR:
      return WasiErrno::Intr;
    case EINVAL:
      return WasiErrno::Inval;
    case EIO:
      return WasiErrno::Io;
    case EISCONN:
      return WasiErrno::IsConn;
    case EISDIR:
      return WasiErrno::IsDir;
    case ELOOP:
      return WasiErrno::Loop;
    case EMFILE:
      return WasiErrno::MFile;
    case EMLINK:
      return WasiErrno::MLink;
    case EMSGSIZE:
      return WasiErrno::MsgSize;
    case EMULTIHOP:
      return WasiErrno::MultiHop;
    case ENAMETOOLONG:
      return WasiErrno::NameTooLong;
    case ENETDOWN:
      return WasiErrno::NetDown;
    case ENETRESET:
      return WasiErrno::NetReset;
    case ENETUNREACH:
      return WasiErrno::NetUnreach;
    case ENFILE:
      return WasiErrno::NFile;
    case ENOBUFS:
      return WasiErrno::NoBufs;
    case ENODEV:
      return WasiErrno::NoDev;
    case ENOENT:
      return WasiErrno::NoEnt;
    case ENOEXEC:
      return WasiErrno::NoExec;
    case ENOLCK:
      return WasiErrno::NoLck;
    case ENOLINK:
      return WasiErrno::NoLink;
    case ENOMEM:
      return WasiErrno::NoMem;
    case ENOMSG:
      return WasiErrno::NoMsg;
    case ENOPROTOOPT:
      return WasiErrno::NoProtoOpt;
    case ENOSPC:
      return WasiErrno::NoSpc;
    case ENOSYS:
      return WasiErrno::NoSys;
    case ENOTCONN:
      return WasiErrno::NotConn;
    case ENOTDIR:
      return WasiErrno::NotDir;
    case ENOTEMPTY:
      return WasiErrno::NotEmpty;
    case ENOTRECOVERABLE:
      return WasiErrno::NotRecoverable;
    case ENOTSOCK:
      return WasiErrno::NotSock;
    case ENOTSUP:
      return WasiErrno::NotSup;  // == EOPNOTSUPP on Linux
    case ENOTTY:
      return WasiErrno::NoTty;
    case ENXIO:
      return WasiErrno::NxIo;
    case EOVERFLOW:
      return WasiErrno::Overflow;
    case EOWNERDEAD:
      return WasiErrno::OwnerDead;
    case EPERM:
      return WasiErrno::Perm;
    case EPIPE:
      return WasiErrno::Pipe;
    case EPROTO:
      return WasiErrno::Proto;
    case EPROTONOSUPPORT:
      return WasiErrno::ProtoNoSupport;
    case EPROTOTYPE:
      return WasiErrno::ProtoType;
    case ERANGE:
      return WasiErrno::Range;
    case EROFS:
      return WasiErrno::RoFs;
    case ESPIPE:
      return WasiErrno::SPipe;
    case ESRCH:
      return WasiErrno::Srch;
    case ESTALE:
      return WasiErrno::Stale;
    case ETIMEDOUT:
      return WasiErrno::TimedOut;
    case ETXTBSY:
      return WasiErrno::TxtBsy;
    case EXDEV:
      return WasiErrno::XDev;
    default:
      return WasiErrno::Io;
  }
}

Filetype toFiletype(p3::DescriptorType type) {
  switch (type) {
    case p3::DescriptorType::BlockDevice:
      return Filetype::BlockDevice;
    case p3::DescriptorType::CharacterDevice:
      return Filetype::CharacterDevice;
    case p3::DescriptorType::Directory:
      return Filetype::Directory;
    case p3::DescriptorType::RegularFile:
      return Filetype::RegularFile;
    case p3::DescriptorType::SymbolicLink:
      return Filetype::SymbolicLink;
    case p3::DescriptorType::Socket:
      return Filetype::SocketStream;
    case p3::DescriptorType::Fifo:  // preview1 has no FIFO type
    case p3::DescriptorType::Unknown:
      return Filetype::Unknown;
  }
  return Filetype::Unknown;
}

}  // namespace wcr::wasi::p1
