#include "canon/model/validator.h"

#include "canon/model/decoder.h"
#include "jit/support/status.h"

namespace wcr::canon::model {

absl::Status validateComponent(Component& component) { return absl::OkStatus(); }

absl::StatusOr<Component> decodeAndValidate(absl::Span<const uint8_t> bytes) {
  WCR_ASSIGN_OR_RETURN(Component c, decodeComponent(bytes));
  WCR_RETURN_IF_ERROR(validateComponent(c));
  return c;
}

}  // namespace wcr::canon::model
