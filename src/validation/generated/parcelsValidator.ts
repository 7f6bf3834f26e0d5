import * as __typia_transform__isTypeUint32 from "typia/lib/internal/_isTypeUint32";
import type { Parcels } from "../batchRequest.js";
export const isParcels = (() => { return (input: any): input is Parcels => "number" === typeof input && (__typia_transform__isTypeUint32._isTypeUint32(input) && 1 <= input && input <= 10000); })();
