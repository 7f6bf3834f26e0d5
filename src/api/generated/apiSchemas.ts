import type { BatchIssued, BatchRequest, Health, Issued, Lookup, NotReady, Problems, Ready } from "../contract.js";
export const API_SCHEMAS = {
    version: "3.1",
    components: {
        schemas: {
            Issued: {
                type: "object",
                properties: {
                    order: {
                        $ref: "#/components/schemas/Order"
                    },
                    tracking_number: {
                        $ref: "#/components/schemas/TrackingNumber"
                    },
                    created_at: {
                        $ref: "#/components/schemas/IssueTime",
                        description: "When the number was issued (UTC, milliseconds); the order's own created_at is in `order`."
                    }
                },
                required: [
                    "order",
                    "tracking_number",
                    "created_at"
                ],
                description: "GET /next-tracking-number: one number, and the order as validated."
            },
            Order: {
                type: "object",
                properties: {
                    origin_country_id: {
                        oneOf: [
                            {
                                "const": "AD"
                            },
                            {
                                "const": "AE"
                            },
                            {
                                "const": "AF"
                            },
                            {
                                "const": "AG"
                            },
                            {
                                "const": "AI"
                            },
                            {
                                "const": "AL"
                            },
                            {
                                "const": "AM"
                            },
                            {
                                "const": "AO"
                            },
                            {
                                "const": "AQ"
                            },
                            {
                                "const": "AR"
                            },
                            {
                                "const": "AS"
                            },
                            {
                                "const": "AT"
                            },
                            {
                                "const": "AU"
                            },
                            {
                                "const": "AW"
                            },
                            {
                                "const": "AX"
                            },
                            {
                                "const": "AZ"
                            },
                            {
                                "const": "BA"
                            },
                            {
                                "const": "BB"
                            },
                            {
                                "const": "BD"
                            },
                            {
                                "const": "BE"
                            },
                            {
                                "const": "BF"
                            },
                            {
                                "const": "BG"
                            },
                            {
                                "const": "BH"
                            },
                            {
                                "const": "BI"
                            },
                            {
                                "const": "BJ"
                            },
                            {
                                "const": "BL"
                            },
                            {
                                "const": "BM"
                            },
                            {
                                "const": "BN"
                            },
                            {
                                "const": "BO"
                            },
                            {
                                "const": "BQ"
                            },
                            {
                                "const": "BR"
                            },
                            {
                                "const": "BS"
                            },
                            {
                                "const": "BT"
                            },
                            {
                                "const": "BV"
                            },
                            {
                                "const": "BW"
                            },
                            {
                                "const": "BY"
                            },
                            {
                                "const": "BZ"
                            },
                            {
                                "const": "CA"
                            },
                            {
                                "const": "CC"
                            },
                            {
                                "const": "CD"
                            },
                            {
                                "const": "CF"
                            },
                            {
                                "const": "CG"
                            },
                            {
                                "const": "CH"
                            },
                            {
                                "const": "CI"
                            },
                            {
                                "const": "CK"
                            },
                            {
                                "const": "CL"
                            },
                            {
                                "const": "CM"
                            },
                            {
                                "const": "CN"
                            },
                            {
                                "const": "CO"
                            },
                            {
                                "const": "CR"
                            },
                            {
                                "const": "CU"
                            },
                            {
                                "const": "CV"
                            },
                            {
                                "const": "CW"
                            },
                            {
                                "const": "CX"
                            },
                            {
                                "const": "CY"
                            },
                            {
                                "const": "CZ"
                            },
                            {
                                "const": "DE"
                            },
                            {
                                "const": "DJ"
                            },
                            {
                                "const": "DK"
                            },
                            {
                                "const": "DM"
                            },
                            {
                                "const": "DO"
                            },
                            {
                                "const": "DZ"
                            },
                            {
                                "const": "EC"
                            },
                            {
                                "const": "EE"
                            },
                            {
                                "const": "EG"
                            },
                            {
                                "const": "EH"
                            },
                            {
                                "const": "ER"
                            },
                            {
                                "const": "ES"
                            },
                            {
                                "const": "ET"
                            },
                            {
                                "const": "FI"
                            },
                            {
                                "const": "FJ"
                            },
                            {
                                "const": "FK"
                            },
                            {
                                "const": "FM"
                            },
                            {
                                "const": "FO"
                            },
                            {
                                "const": "FR"
                            },
                            {
                                "const": "GA"
                            },
                            {
                                "const": "GB"
                            },
                            {
                                "const": "GD"
                            },
                            {
                                "const": "GE"
                            },
                            {
                                "const": "GF"
                            },
                            {
                                "const": "GG"
                            },
                            {
                                "const": "GH"
                            },
                            {
                                "const": "GI"
                            },
                            {
                                "const": "GL"
                            },
                            {
                                "const": "GM"
                            },
                            {
                                "const": "GN"
                            },
                            {
                                "const": "GP"
                            },
                            {
                                "const": "GQ"
                            },
                            {
                                "const": "GR"
                            },
                            {
                                "const": "GS"
                            },
                            {
                                "const": "GT"
                            },
                            {
                                "const": "GU"
                            },
                            {
                                "const": "GW"
                            },
                            {
                                "const": "GY"
                            },
                            {
                                "const": "HK"
                            },
                            {
                                "const": "HM"
                            },
                            {
                                "const": "HN"
                            },
                            {
                                "const": "HR"
                            },
                            {
                                "const": "HT"
                            },
                            {
                                "const": "HU"
                            },
                            {
                                "const": "ID"
                            },
                            {
                                "const": "IE"
                            },
                            {
                                "const": "IL"
                            },
                            {
                                "const": "IM"
                            },
                            {
                                "const": "IN"
                            },
                            {
                                "const": "IO"
                            },
                            {
                                "const": "IQ"
                            },
                            {
                                "const": "IR"
                            },
                            {
                                "const": "IS"
                            },
                            {
                                "const": "IT"
                            },
                            {
                                "const": "JE"
                            },
                            {
                                "const": "JM"
                            },
                            {
                                "const": "JO"
                            },
                            {
                                "const": "JP"
                            },
                            {
                                "const": "KE"
                            },
                            {
                                "const": "KG"
                            },
                            {
                                "const": "KH"
                            },
                            {
                                "const": "KI"
                            },
                            {
                                "const": "KM"
                            },
                            {
                                "const": "KN"
                            },
                            {
                                "const": "KP"
                            },
                            {
                                "const": "KR"
                            },
                            {
                                "const": "KW"
                            },
                            {
                                "const": "KY"
                            },
                            {
                                "const": "KZ"
                            },
                            {
                                "const": "LA"
                            },
                            {
                                "const": "LB"
                            },
                            {
                                "const": "LC"
                            },
                            {
                                "const": "LI"
                            },
                            {
                                "const": "LK"
                            },
                            {
                                "const": "LR"
                            },
                            {
                                "const": "LS"
                            },
                            {
                                "const": "LT"
                            },
                            {
                                "const": "LU"
                            },
                            {
                                "const": "LV"
                            },
                            {
                                "const": "LY"
                            },
                            {
                                "const": "MA"
                            },
                            {
                                "const": "MC"
                            },
                            {
                                "const": "MD"
                            },
                            {
                                "const": "ME"
                            },
                            {
                                "const": "MF"
                            },
                            {
                                "const": "MG"
                            },
                            {
                                "const": "MH"
                            },
                            {
                                "const": "MK"
                            },
                            {
                                "const": "ML"
                            },
                            {
                                "const": "MM"
                            },
                            {
                                "const": "MN"
                            },
                            {
                                "const": "MO"
                            },
                            {
                                "const": "MP"
                            },
                            {
                                "const": "MQ"
                            },
                            {
                                "const": "MR"
                            },
                            {
                                "const": "MS"
                            },
                            {
                                "const": "MT"
                            },
                            {
                                "const": "MU"
                            },
                            {
                                "const": "MV"
                            },
                            {
                                "const": "MW"
                            },
                            {
                                "const": "MX"
                            },
                            {
                                "const": "MY"
                            },
                            {
                                "const": "MZ"
                            },
                            {
                                "const": "NA"
                            },
                            {
                                "const": "NC"
                            },
                            {
                                "const": "NE"
                            },
                            {
                                "const": "NF"
                            },
                            {
                                "const": "NG"
                            },
                            {
                                "const": "NI"
                            },
                            {
                                "const": "NL"
                            },
                            {
                                "const": "NO"
                            },
                            {
                                "const": "NP"
                            },
                            {
                                "const": "NR"
                            },
                            {
                                "const": "NU"
                            },
                            {
                                "const": "NZ"
                            },
                            {
                                "const": "OM"
                            },
                            {
                                "const": "PA"
                            },
                            {
                                "const": "PE"
                            },
                            {
                                "const": "PF"
                            },
                            {
                                "const": "PG"
                            },
                            {
                                "const": "PH"
                            },
                            {
                                "const": "PK"
                            },
                            {
                                "const": "PL"
                            },
                            {
                                "const": "PM"
                            },
                            {
                                "const": "PN"
                            },
                            {
                                "const": "PR"
                            },
                            {
                                "const": "PS"
                            },
                            {
                                "const": "PT"
                            },
                            {
                                "const": "PW"
                            },
                            {
                                "const": "PY"
                            },
                            {
                                "const": "QA"
                            },
                            {
                                "const": "RE"
                            },
                            {
                                "const": "RO"
                            },
                            {
                                "const": "RS"
                            },
                            {
                                "const": "RU"
                            },
                            {
                                "const": "RW"
                            },
                            {
                                "const": "SA"
                            },
                            {
                                "const": "SB"
                            },
                            {
                                "const": "SC"
                            },
                            {
                                "const": "SD"
                            },
                            {
                                "const": "SE"
                            },
                            {
                                "const": "SG"
                            },
                            {
                                "const": "SH"
                            },
                            {
                                "const": "SI"
                            },
                            {
                                "const": "SJ"
                            },
                            {
                                "const": "SK"
                            },
                            {
                                "const": "SL"
                            },
                            {
                                "const": "SM"
                            },
                            {
                                "const": "SN"
                            },
                            {
                                "const": "SO"
                            },
                            {
                                "const": "SR"
                            },
                            {
                                "const": "SS"
                            },
                            {
                                "const": "ST"
                            },
                            {
                                "const": "SV"
                            },
                            {
                                "const": "SX"
                            },
                            {
                                "const": "SY"
                            },
                            {
                                "const": "SZ"
                            },
                            {
                                "const": "TC"
                            },
                            {
                                "const": "TD"
                            },
                            {
                                "const": "TF"
                            },
                            {
                                "const": "TG"
                            },
                            {
                                "const": "TH"
                            },
                            {
                                "const": "TJ"
                            },
                            {
                                "const": "TK"
                            },
                            {
                                "const": "TL"
                            },
                            {
                                "const": "TM"
                            },
                            {
                                "const": "TN"
                            },
                            {
                                "const": "TO"
                            },
                            {
                                "const": "TR"
                            },
                            {
                                "const": "TT"
                            },
                            {
                                "const": "TV"
                            },
                            {
                                "const": "TW"
                            },
                            {
                                "const": "TZ"
                            },
                            {
                                "const": "UA"
                            },
                            {
                                "const": "UG"
                            },
                            {
                                "const": "UM"
                            },
                            {
                                "const": "US"
                            },
                            {
                                "const": "UY"
                            },
                            {
                                "const": "UZ"
                            },
                            {
                                "const": "VA"
                            },
                            {
                                "const": "VC"
                            },
                            {
                                "const": "VE"
                            },
                            {
                                "const": "VG"
                            },
                            {
                                "const": "VI"
                            },
                            {
                                "const": "VN"
                            },
                            {
                                "const": "VU"
                            },
                            {
                                "const": "WF"
                            },
                            {
                                "const": "WS"
                            },
                            {
                                "const": "YE"
                            },
                            {
                                "const": "YT"
                            },
                            {
                                "const": "ZA"
                            },
                            {
                                "const": "ZM"
                            },
                            {
                                "const": "ZW"
                            }
                        ]
                    },
                    destination_country_id: {
                        oneOf: [
                            {
                                "const": "AD"
                            },
                            {
                                "const": "AE"
                            },
                            {
                                "const": "AF"
                            },
                            {
                                "const": "AG"
                            },
                            {
                                "const": "AI"
                            },
                            {
                                "const": "AL"
                            },
                            {
                                "const": "AM"
                            },
                            {
                                "const": "AO"
                            },
                            {
                                "const": "AQ"
                            },
                            {
                                "const": "AR"
                            },
                            {
                                "const": "AS"
                            },
                            {
                                "const": "AT"
                            },
                            {
                                "const": "AU"
                            },
                            {
                                "const": "AW"
                            },
                            {
                                "const": "AX"
                            },
                            {
                                "const": "AZ"
                            },
                            {
                                "const": "BA"
                            },
                            {
                                "const": "BB"
                            },
                            {
                                "const": "BD"
                            },
                            {
                                "const": "BE"
                            },
                            {
                                "const": "BF"
                            },
                            {
                                "const": "BG"
                            },
                            {
                                "const": "BH"
                            },
                            {
                                "const": "BI"
                            },
                            {
                                "const": "BJ"
                            },
                            {
                                "const": "BL"
                            },
                            {
                                "const": "BM"
                            },
                            {
                                "const": "BN"
                            },
                            {
                                "const": "BO"
                            },
                            {
                                "const": "BQ"
                            },
                            {
                                "const": "BR"
                            },
                            {
                                "const": "BS"
                            },
                            {
                                "const": "BT"
                            },
                            {
                                "const": "BV"
                            },
                            {
                                "const": "BW"
                            },
                            {
                                "const": "BY"
                            },
                            {
                                "const": "BZ"
                            },
                            {
                                "const": "CA"
                            },
                            {
                                "const": "CC"
                            },
                            {
                                "const": "CD"
                            },
                            {
                                "const": "CF"
                            },
                            {
                                "const": "CG"
                            },
                            {
                                "const": "CH"
                            },
                            {
                                "const": "CI"
                            },
                            {
                                "const": "CK"
                            },
                            {
                                "const": "CL"
                            },
                            {
                                "const": "CM"
                            },
                            {
                                "const": "CN"
                            },
                            {
                                "const": "CO"
                            },
                            {
                                "const": "CR"
                            },
                            {
                                "const": "CU"
                            },
                            {
                                "const": "CV"
                            },
                            {
                                "const": "CW"
                            },
                            {
                                "const": "CX"
                            },
                            {
                                "const": "CY"
                            },
                            {
                                "const": "CZ"
                            },
                            {
                                "const": "DE"
                            },
                            {
                                "const": "DJ"
                            },
                            {
                                "const": "DK"
                            },
                            {
                                "const": "DM"
                            },
                            {
                                "const": "DO"
                            },
                            {
                                "const": "DZ"
                            },
                            {
                                "const": "EC"
                            },
                            {
                                "const": "EE"
                            },
                            {
                                "const": "EG"
                            },
                            {
                                "const": "EH"
                            },
                            {
                                "const": "ER"
                            },
                            {
                                "const": "ES"
                            },
                            {
                                "const": "ET"
                            },
                            {
                                "const": "FI"
                            },
                            {
                                "const": "FJ"
                            },
                            {
                                "const": "FK"
                            },
                            {
                                "const": "FM"
                            },
                            {
                                "const": "FO"
                            },
                            {
                                "const": "FR"
                            },
                            {
                                "const": "GA"
                            },
                            {
                                "const": "GB"
                            },
                            {
                                "const": "GD"
                            },
                            {
                                "const": "GE"
                            },
                            {
                                "const": "GF"
                            },
                            {
                                "const": "GG"
                            },
                            {
                                "const": "GH"
                            },
                            {
                                "const": "GI"
                            },
                            {
                                "const": "GL"
                            },
                            {
                                "const": "GM"
                            },
                            {
                                "const": "GN"
                            },
                            {
                                "const": "GP"
                            },
                            {
                                "const": "GQ"
                            },
                            {
                                "const": "GR"
                            },
                            {
                                "const": "GS"
                            },
                            {
                                "const": "GT"
                            },
                            {
                                "const": "GU"
                            },
                            {
                                "const": "GW"
                            },
                            {
                                "const": "GY"
                            },
                            {
                                "const": "HK"
                            },
                            {
                                "const": "HM"
                            },
                            {
                                "const": "HN"
                            },
                            {
                                "const": "HR"
                            },
                            {
                                "const": "HT"
                            },
                            {
                                "const": "HU"
                            },
                            {
                                "const": "ID"
                            },
                            {
                                "const": "IE"
                            },
                            {
                                "const": "IL"
                            },
                            {
                                "const": "IM"
                            },
                            {
                                "const": "IN"
                            },
                            {
                                "const": "IO"
                            },
                            {
                                "const": "IQ"
                            },
                            {
                                "const": "IR"
                            },
                            {
                                "const": "IS"
                            },
                            {
                                "const": "IT"
                            },
                            {
                                "const": "JE"
                            },
                            {
                                "const": "JM"
                            },
                            {
                                "const": "JO"
                            },
                            {
                                "const": "JP"
                            },
                            {
                                "const": "KE"
                            },
                            {
                                "const": "KG"
                            },
                            {
                                "const": "KH"
                            },
                            {
                                "const": "KI"
                            },
                            {
                                "const": "KM"
                            },
                            {
                                "const": "KN"
                            },
                            {
                                "const": "KP"
                            },
                            {
                                "const": "KR"
                            },
                            {
                                "const": "KW"
                            },
                            {
                                "const": "KY"
                            },
                            {
                                "const": "KZ"
                            },
                            {
                                "const": "LA"
                            },
                            {
                                "const": "LB"
                            },
                            {
                                "const": "LC"
                            },
                            {
                                "const": "LI"
                            },
                            {
                                "const": "LK"
                            },
                            {
                                "const": "LR"
                            },
                            {
                                "const": "LS"
                            },
                            {
                                "const": "LT"
                            },
                            {
                                "const": "LU"
                            },
                            {
                                "const": "LV"
                            },
                            {
                                "const": "LY"
                            },
                            {
                                "const": "MA"
                            },
                            {
                                "const": "MC"
                            },
                            {
                                "const": "MD"
                            },
                            {
                                "const": "ME"
                            },
                            {
                                "const": "MF"
                            },
                            {
                                "const": "MG"
                            },
                            {
                                "const": "MH"
                            },
                            {
                                "const": "MK"
                            },
                            {
                                "const": "ML"
                            },
                            {
                                "const": "MM"
                            },
                            {
                                "const": "MN"
                            },
                            {
                                "const": "MO"
                            },
                            {
                                "const": "MP"
                            },
                            {
                                "const": "MQ"
                            },
                            {
                                "const": "MR"
                            },
                            {
                                "const": "MS"
                            },
                            {
                                "const": "MT"
                            },
                            {
                                "const": "MU"
                            },
                            {
                                "const": "MV"
                            },
                            {
                                "const": "MW"
                            },
                            {
                                "const": "MX"
                            },
                            {
                                "const": "MY"
                            },
                            {
                                "const": "MZ"
                            },
                            {
                                "const": "NA"
                            },
                            {
                                "const": "NC"
                            },
                            {
                                "const": "NE"
                            },
                            {
                                "const": "NF"
                            },
                            {
                                "const": "NG"
                            },
                            {
                                "const": "NI"
                            },
                            {
                                "const": "NL"
                            },
                            {
                                "const": "NO"
                            },
                            {
                                "const": "NP"
                            },
                            {
                                "const": "NR"
                            },
                            {
                                "const": "NU"
                            },
                            {
                                "const": "NZ"
                            },
                            {
                                "const": "OM"
                            },
                            {
                                "const": "PA"
                            },
                            {
                                "const": "PE"
                            },
                            {
                                "const": "PF"
                            },
                            {
                                "const": "PG"
                            },
                            {
                                "const": "PH"
                            },
                            {
                                "const": "PK"
                            },
                            {
                                "const": "PL"
                            },
                            {
                                "const": "PM"
                            },
                            {
                                "const": "PN"
                            },
                            {
                                "const": "PR"
                            },
                            {
                                "const": "PS"
                            },
                            {
                                "const": "PT"
                            },
                            {
                                "const": "PW"
                            },
                            {
                                "const": "PY"
                            },
                            {
                                "const": "QA"
                            },
                            {
                                "const": "RE"
                            },
                            {
                                "const": "RO"
                            },
                            {
                                "const": "RS"
                            },
                            {
                                "const": "RU"
                            },
                            {
                                "const": "RW"
                            },
                            {
                                "const": "SA"
                            },
                            {
                                "const": "SB"
                            },
                            {
                                "const": "SC"
                            },
                            {
                                "const": "SD"
                            },
                            {
                                "const": "SE"
                            },
                            {
                                "const": "SG"
                            },
                            {
                                "const": "SH"
                            },
                            {
                                "const": "SI"
                            },
                            {
                                "const": "SJ"
                            },
                            {
                                "const": "SK"
                            },
                            {
                                "const": "SL"
                            },
                            {
                                "const": "SM"
                            },
                            {
                                "const": "SN"
                            },
                            {
                                "const": "SO"
                            },
                            {
                                "const": "SR"
                            },
                            {
                                "const": "SS"
                            },
                            {
                                "const": "ST"
                            },
                            {
                                "const": "SV"
                            },
                            {
                                "const": "SX"
                            },
                            {
                                "const": "SY"
                            },
                            {
                                "const": "SZ"
                            },
                            {
                                "const": "TC"
                            },
                            {
                                "const": "TD"
                            },
                            {
                                "const": "TF"
                            },
                            {
                                "const": "TG"
                            },
                            {
                                "const": "TH"
                            },
                            {
                                "const": "TJ"
                            },
                            {
                                "const": "TK"
                            },
                            {
                                "const": "TL"
                            },
                            {
                                "const": "TM"
                            },
                            {
                                "const": "TN"
                            },
                            {
                                "const": "TO"
                            },
                            {
                                "const": "TR"
                            },
                            {
                                "const": "TT"
                            },
                            {
                                "const": "TV"
                            },
                            {
                                "const": "TW"
                            },
                            {
                                "const": "TZ"
                            },
                            {
                                "const": "UA"
                            },
                            {
                                "const": "UG"
                            },
                            {
                                "const": "UM"
                            },
                            {
                                "const": "US"
                            },
                            {
                                "const": "UY"
                            },
                            {
                                "const": "UZ"
                            },
                            {
                                "const": "VA"
                            },
                            {
                                "const": "VC"
                            },
                            {
                                "const": "VE"
                            },
                            {
                                "const": "VG"
                            },
                            {
                                "const": "VI"
                            },
                            {
                                "const": "VN"
                            },
                            {
                                "const": "VU"
                            },
                            {
                                "const": "WF"
                            },
                            {
                                "const": "WS"
                            },
                            {
                                "const": "YE"
                            },
                            {
                                "const": "YT"
                            },
                            {
                                "const": "ZA"
                            },
                            {
                                "const": "ZM"
                            },
                            {
                                "const": "ZW"
                            }
                        ]
                    },
                    weight: {
                        type: "string",
                        pattern: "^(?!0(?:\\.0{1,3})?$)(?:(?:0|[1-9][0-9]{0,2})(?:\\.[0-9]{1,3})?|1000(?:\\.0{1,3})?)$"
                    },
                    created_at: {
                        type: "string",
                        pattern: "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
                    },
                    customer_id: {
                        type: "string",
                        format: "uuid",
                        pattern: "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
                        not: {
                            "const": "00000000-0000-0000-0000-000000000000"
                        }
                    },
                    customer_name: {
                        type: "string",
                        minLength: 1,
                        maxLength: 200,
                        pattern: "^(?=[\\s\\S]*\\S)(?:[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])+$"
                    },
                    customer_slug: {
                        type: "string",
                        maxLength: 200,
                        pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$"
                    }
                },
                required: [
                    "origin_country_id",
                    "destination_country_id",
                    "weight",
                    "created_at",
                    "customer_id",
                    "customer_name",
                    "customer_slug"
                ],
                description: "An order as an object (answers, the OpenAPI document)."
            },
            TrackingNumber: {
                type: "string",
                pattern: "^[A-Z]{2}[0-9A-Z]{14}$",
                description: "Two letters of origin, a key-generation character, 12 characters of body, a check character."
            },
            IssueTime: {
                type: "string",
                format: "date-time",
                description: "When a number was issued: UTC, milliseconds."
            },
            BatchRequest: {
                type: "object",
                properties: {
                    orders: {
                        type: "array",
                        items: {
                            $ref: "#/components/schemas/BatchRequestOrder"
                        },
                        minItems: 1,
                        maxItems: 1000
                    }
                },
                required: [
                    "orders"
                ],
                description: "POST /tracking-numbers: the body."
            },
            BatchRequestOrder: {
                type: "object",
                properties: {
                    origin_country_id: {
                        oneOf: [
                            {
                                "const": "AD"
                            },
                            {
                                "const": "AE"
                            },
                            {
                                "const": "AF"
                            },
                            {
                                "const": "AG"
                            },
                            {
                                "const": "AI"
                            },
                            {
                                "const": "AL"
                            },
                            {
                                "const": "AM"
                            },
                            {
                                "const": "AO"
                            },
                            {
                                "const": "AQ"
                            },
                            {
                                "const": "AR"
                            },
                            {
                                "const": "AS"
                            },
                            {
                                "const": "AT"
                            },
                            {
                                "const": "AU"
                            },
                            {
                                "const": "AW"
                            },
                            {
                                "const": "AX"
                            },
                            {
                                "const": "AZ"
                            },
                            {
                                "const": "BA"
                            },
                            {
                                "const": "BB"
                            },
                            {
                                "const": "BD"
                            },
                            {
                                "const": "BE"
                            },
                            {
                                "const": "BF"
                            },
                            {
                                "const": "BG"
                            },
                            {
                                "const": "BH"
                            },
                            {
                                "const": "BI"
                            },
                            {
                                "const": "BJ"
                            },
                            {
                                "const": "BL"
                            },
                            {
                                "const": "BM"
                            },
                            {
                                "const": "BN"
                            },
                            {
                                "const": "BO"
                            },
                            {
                                "const": "BQ"
                            },
                            {
                                "const": "BR"
                            },
                            {
                                "const": "BS"
                            },
                            {
                                "const": "BT"
                            },
                            {
                                "const": "BV"
                            },
                            {
                                "const": "BW"
                            },
                            {
                                "const": "BY"
                            },
                            {
                                "const": "BZ"
                            },
                            {
                                "const": "CA"
                            },
                            {
                                "const": "CC"
                            },
                            {
                                "const": "CD"
                            },
                            {
                                "const": "CF"
                            },
                            {
                                "const": "CG"
                            },
                            {
                                "const": "CH"
                            },
                            {
                                "const": "CI"
                            },
                            {
                                "const": "CK"
                            },
                            {
                                "const": "CL"
                            },
                            {
                                "const": "CM"
                            },
                            {
                                "const": "CN"
                            },
                            {
                                "const": "CO"
                            },
                            {
                                "const": "CR"
                            },
                            {
                                "const": "CU"
                            },
                            {
                                "const": "CV"
                            },
                            {
                                "const": "CW"
                            },
                            {
                                "const": "CX"
                            },
                            {
                                "const": "CY"
                            },
                            {
                                "const": "CZ"
                            },
                            {
                                "const": "DE"
                            },
                            {
                                "const": "DJ"
                            },
                            {
                                "const": "DK"
                            },
                            {
                                "const": "DM"
                            },
                            {
                                "const": "DO"
                            },
                            {
                                "const": "DZ"
                            },
                            {
                                "const": "EC"
                            },
                            {
                                "const": "EE"
                            },
                            {
                                "const": "EG"
                            },
                            {
                                "const": "EH"
                            },
                            {
                                "const": "ER"
                            },
                            {
                                "const": "ES"
                            },
                            {
                                "const": "ET"
                            },
                            {
                                "const": "FI"
                            },
                            {
                                "const": "FJ"
                            },
                            {
                                "const": "FK"
                            },
                            {
                                "const": "FM"
                            },
                            {
                                "const": "FO"
                            },
                            {
                                "const": "FR"
                            },
                            {
                                "const": "GA"
                            },
                            {
                                "const": "GB"
                            },
                            {
                                "const": "GD"
                            },
                            {
                                "const": "GE"
                            },
                            {
                                "const": "GF"
                            },
                            {
                                "const": "GG"
                            },
                            {
                                "const": "GH"
                            },
                            {
                                "const": "GI"
                            },
                            {
                                "const": "GL"
                            },
                            {
                                "const": "GM"
                            },
                            {
                                "const": "GN"
                            },
                            {
                                "const": "GP"
                            },
                            {
                                "const": "GQ"
                            },
                            {
                                "const": "GR"
                            },
                            {
                                "const": "GS"
                            },
                            {
                                "const": "GT"
                            },
                            {
                                "const": "GU"
                            },
                            {
                                "const": "GW"
                            },
                            {
                                "const": "GY"
                            },
                            {
                                "const": "HK"
                            },
                            {
                                "const": "HM"
                            },
                            {
                                "const": "HN"
                            },
                            {
                                "const": "HR"
                            },
                            {
                                "const": "HT"
                            },
                            {
                                "const": "HU"
                            },
                            {
                                "const": "ID"
                            },
                            {
                                "const": "IE"
                            },
                            {
                                "const": "IL"
                            },
                            {
                                "const": "IM"
                            },
                            {
                                "const": "IN"
                            },
                            {
                                "const": "IO"
                            },
                            {
                                "const": "IQ"
                            },
                            {
                                "const": "IR"
                            },
                            {
                                "const": "IS"
                            },
                            {
                                "const": "IT"
                            },
                            {
                                "const": "JE"
                            },
                            {
                                "const": "JM"
                            },
                            {
                                "const": "JO"
                            },
                            {
                                "const": "JP"
                            },
                            {
                                "const": "KE"
                            },
                            {
                                "const": "KG"
                            },
                            {
                                "const": "KH"
                            },
                            {
                                "const": "KI"
                            },
                            {
                                "const": "KM"
                            },
                            {
                                "const": "KN"
                            },
                            {
                                "const": "KP"
                            },
                            {
                                "const": "KR"
                            },
                            {
                                "const": "KW"
                            },
                            {
                                "const": "KY"
                            },
                            {
                                "const": "KZ"
                            },
                            {
                                "const": "LA"
                            },
                            {
                                "const": "LB"
                            },
                            {
                                "const": "LC"
                            },
                            {
                                "const": "LI"
                            },
                            {
                                "const": "LK"
                            },
                            {
                                "const": "LR"
                            },
                            {
                                "const": "LS"
                            },
                            {
                                "const": "LT"
                            },
                            {
                                "const": "LU"
                            },
                            {
                                "const": "LV"
                            },
                            {
                                "const": "LY"
                            },
                            {
                                "const": "MA"
                            },
                            {
                                "const": "MC"
                            },
                            {
                                "const": "MD"
                            },
                            {
                                "const": "ME"
                            },
                            {
                                "const": "MF"
                            },
                            {
                                "const": "MG"
                            },
                            {
                                "const": "MH"
                            },
                            {
                                "const": "MK"
                            },
                            {
                                "const": "ML"
                            },
                            {
                                "const": "MM"
                            },
                            {
                                "const": "MN"
                            },
                            {
                                "const": "MO"
                            },
                            {
                                "const": "MP"
                            },
                            {
                                "const": "MQ"
                            },
                            {
                                "const": "MR"
                            },
                            {
                                "const": "MS"
                            },
                            {
                                "const": "MT"
                            },
                            {
                                "const": "MU"
                            },
                            {
                                "const": "MV"
                            },
                            {
                                "const": "MW"
                            },
                            {
                                "const": "MX"
                            },
                            {
                                "const": "MY"
                            },
                            {
                                "const": "MZ"
                            },
                            {
                                "const": "NA"
                            },
                            {
                                "const": "NC"
                            },
                            {
                                "const": "NE"
                            },
                            {
                                "const": "NF"
                            },
                            {
                                "const": "NG"
                            },
                            {
                                "const": "NI"
                            },
                            {
                                "const": "NL"
                            },
                            {
                                "const": "NO"
                            },
                            {
                                "const": "NP"
                            },
                            {
                                "const": "NR"
                            },
                            {
                                "const": "NU"
                            },
                            {
                                "const": "NZ"
                            },
                            {
                                "const": "OM"
                            },
                            {
                                "const": "PA"
                            },
                            {
                                "const": "PE"
                            },
                            {
                                "const": "PF"
                            },
                            {
                                "const": "PG"
                            },
                            {
                                "const": "PH"
                            },
                            {
                                "const": "PK"
                            },
                            {
                                "const": "PL"
                            },
                            {
                                "const": "PM"
                            },
                            {
                                "const": "PN"
                            },
                            {
                                "const": "PR"
                            },
                            {
                                "const": "PS"
                            },
                            {
                                "const": "PT"
                            },
                            {
                                "const": "PW"
                            },
                            {
                                "const": "PY"
                            },
                            {
                                "const": "QA"
                            },
                            {
                                "const": "RE"
                            },
                            {
                                "const": "RO"
                            },
                            {
                                "const": "RS"
                            },
                            {
                                "const": "RU"
                            },
                            {
                                "const": "RW"
                            },
                            {
                                "const": "SA"
                            },
                            {
                                "const": "SB"
                            },
                            {
                                "const": "SC"
                            },
                            {
                                "const": "SD"
                            },
                            {
                                "const": "SE"
                            },
                            {
                                "const": "SG"
                            },
                            {
                                "const": "SH"
                            },
                            {
                                "const": "SI"
                            },
                            {
                                "const": "SJ"
                            },
                            {
                                "const": "SK"
                            },
                            {
                                "const": "SL"
                            },
                            {
                                "const": "SM"
                            },
                            {
                                "const": "SN"
                            },
                            {
                                "const": "SO"
                            },
                            {
                                "const": "SR"
                            },
                            {
                                "const": "SS"
                            },
                            {
                                "const": "ST"
                            },
                            {
                                "const": "SV"
                            },
                            {
                                "const": "SX"
                            },
                            {
                                "const": "SY"
                            },
                            {
                                "const": "SZ"
                            },
                            {
                                "const": "TC"
                            },
                            {
                                "const": "TD"
                            },
                            {
                                "const": "TF"
                            },
                            {
                                "const": "TG"
                            },
                            {
                                "const": "TH"
                            },
                            {
                                "const": "TJ"
                            },
                            {
                                "const": "TK"
                            },
                            {
                                "const": "TL"
                            },
                            {
                                "const": "TM"
                            },
                            {
                                "const": "TN"
                            },
                            {
                                "const": "TO"
                            },
                            {
                                "const": "TR"
                            },
                            {
                                "const": "TT"
                            },
                            {
                                "const": "TV"
                            },
                            {
                                "const": "TW"
                            },
                            {
                                "const": "TZ"
                            },
                            {
                                "const": "UA"
                            },
                            {
                                "const": "UG"
                            },
                            {
                                "const": "UM"
                            },
                            {
                                "const": "US"
                            },
                            {
                                "const": "UY"
                            },
                            {
                                "const": "UZ"
                            },
                            {
                                "const": "VA"
                            },
                            {
                                "const": "VC"
                            },
                            {
                                "const": "VE"
                            },
                            {
                                "const": "VG"
                            },
                            {
                                "const": "VI"
                            },
                            {
                                "const": "VN"
                            },
                            {
                                "const": "VU"
                            },
                            {
                                "const": "WF"
                            },
                            {
                                "const": "WS"
                            },
                            {
                                "const": "YE"
                            },
                            {
                                "const": "YT"
                            },
                            {
                                "const": "ZA"
                            },
                            {
                                "const": "ZM"
                            },
                            {
                                "const": "ZW"
                            }
                        ]
                    },
                    destination_country_id: {
                        oneOf: [
                            {
                                "const": "AD"
                            },
                            {
                                "const": "AE"
                            },
                            {
                                "const": "AF"
                            },
                            {
                                "const": "AG"
                            },
                            {
                                "const": "AI"
                            },
                            {
                                "const": "AL"
                            },
                            {
                                "const": "AM"
                            },
                            {
                                "const": "AO"
                            },
                            {
                                "const": "AQ"
                            },
                            {
                                "const": "AR"
                            },
                            {
                                "const": "AS"
                            },
                            {
                                "const": "AT"
                            },
                            {
                                "const": "AU"
                            },
                            {
                                "const": "AW"
                            },
                            {
                                "const": "AX"
                            },
                            {
                                "const": "AZ"
                            },
                            {
                                "const": "BA"
                            },
                            {
                                "const": "BB"
                            },
                            {
                                "const": "BD"
                            },
                            {
                                "const": "BE"
                            },
                            {
                                "const": "BF"
                            },
                            {
                                "const": "BG"
                            },
                            {
                                "const": "BH"
                            },
                            {
                                "const": "BI"
                            },
                            {
                                "const": "BJ"
                            },
                            {
                                "const": "BL"
                            },
                            {
                                "const": "BM"
                            },
                            {
                                "const": "BN"
                            },
                            {
                                "const": "BO"
                            },
                            {
                                "const": "BQ"
                            },
                            {
                                "const": "BR"
                            },
                            {
                                "const": "BS"
                            },
                            {
                                "const": "BT"
                            },
                            {
                                "const": "BV"
                            },
                            {
                                "const": "BW"
                            },
                            {
                                "const": "BY"
                            },
                            {
                                "const": "BZ"
                            },
                            {
                                "const": "CA"
                            },
                            {
                                "const": "CC"
                            },
                            {
                                "const": "CD"
                            },
                            {
                                "const": "CF"
                            },
                            {
                                "const": "CG"
                            },
                            {
                                "const": "CH"
                            },
                            {
                                "const": "CI"
                            },
                            {
                                "const": "CK"
                            },
                            {
                                "const": "CL"
                            },
                            {
                                "const": "CM"
                            },
                            {
                                "const": "CN"
                            },
                            {
                                "const": "CO"
                            },
                            {
                                "const": "CR"
                            },
                            {
                                "const": "CU"
                            },
                            {
                                "const": "CV"
                            },
                            {
                                "const": "CW"
                            },
                            {
                                "const": "CX"
                            },
                            {
                                "const": "CY"
                            },
                            {
                                "const": "CZ"
                            },
                            {
                                "const": "DE"
                            },
                            {
                                "const": "DJ"
                            },
                            {
                                "const": "DK"
                            },
                            {
                                "const": "DM"
                            },
                            {
                                "const": "DO"
                            },
                            {
                                "const": "DZ"
                            },
                            {
                                "const": "EC"
                            },
                            {
                                "const": "EE"
                            },
                            {
                                "const": "EG"
                            },
                            {
                                "const": "EH"
                            },
                            {
                                "const": "ER"
                            },
                            {
                                "const": "ES"
                            },
                            {
                                "const": "ET"
                            },
                            {
                                "const": "FI"
                            },
                            {
                                "const": "FJ"
                            },
                            {
                                "const": "FK"
                            },
                            {
                                "const": "FM"
                            },
                            {
                                "const": "FO"
                            },
                            {
                                "const": "FR"
                            },
                            {
                                "const": "GA"
                            },
                            {
                                "const": "GB"
                            },
                            {
                                "const": "GD"
                            },
                            {
                                "const": "GE"
                            },
                            {
                                "const": "GF"
                            },
                            {
                                "const": "GG"
                            },
                            {
                                "const": "GH"
                            },
                            {
                                "const": "GI"
                            },
                            {
                                "const": "GL"
                            },
                            {
                                "const": "GM"
                            },
                            {
                                "const": "GN"
                            },
                            {
                                "const": "GP"
                            },
                            {
                                "const": "GQ"
                            },
                            {
                                "const": "GR"
                            },
                            {
                                "const": "GS"
                            },
                            {
                                "const": "GT"
                            },
                            {
                                "const": "GU"
                            },
                            {
                                "const": "GW"
                            },
                            {
                                "const": "GY"
                            },
                            {
                                "const": "HK"
                            },
                            {
                                "const": "HM"
                            },
                            {
                                "const": "HN"
                            },
                            {
                                "const": "HR"
                            },
                            {
                                "const": "HT"
                            },
                            {
                                "const": "HU"
                            },
                            {
                                "const": "ID"
                            },
                            {
                                "const": "IE"
                            },
                            {
                                "const": "IL"
                            },
                            {
                                "const": "IM"
                            },
                            {
                                "const": "IN"
                            },
                            {
                                "const": "IO"
                            },
                            {
                                "const": "IQ"
                            },
                            {
                                "const": "IR"
                            },
                            {
                                "const": "IS"
                            },
                            {
                                "const": "IT"
                            },
                            {
                                "const": "JE"
                            },
                            {
                                "const": "JM"
                            },
                            {
                                "const": "JO"
                            },
                            {
                                "const": "JP"
                            },
                            {
                                "const": "KE"
                            },
                            {
                                "const": "KG"
                            },
                            {
                                "const": "KH"
                            },
                            {
                                "const": "KI"
                            },
                            {
                                "const": "KM"
                            },
                            {
                                "const": "KN"
                            },
                            {
                                "const": "KP"
                            },
                            {
                                "const": "KR"
                            },
                            {
                                "const": "KW"
                            },
                            {
                                "const": "KY"
                            },
                            {
                                "const": "KZ"
                            },
                            {
                                "const": "LA"
                            },
                            {
                                "const": "LB"
                            },
                            {
                                "const": "LC"
                            },
                            {
                                "const": "LI"
                            },
                            {
                                "const": "LK"
                            },
                            {
                                "const": "LR"
                            },
                            {
                                "const": "LS"
                            },
                            {
                                "const": "LT"
                            },
                            {
                                "const": "LU"
                            },
                            {
                                "const": "LV"
                            },
                            {
                                "const": "LY"
                            },
                            {
                                "const": "MA"
                            },
                            {
                                "const": "MC"
                            },
                            {
                                "const": "MD"
                            },
                            {
                                "const": "ME"
                            },
                            {
                                "const": "MF"
                            },
                            {
                                "const": "MG"
                            },
                            {
                                "const": "MH"
                            },
                            {
                                "const": "MK"
                            },
                            {
                                "const": "ML"
                            },
                            {
                                "const": "MM"
                            },
                            {
                                "const": "MN"
                            },
                            {
                                "const": "MO"
                            },
                            {
                                "const": "MP"
                            },
                            {
                                "const": "MQ"
                            },
                            {
                                "const": "MR"
                            },
                            {
                                "const": "MS"
                            },
                            {
                                "const": "MT"
                            },
                            {
                                "const": "MU"
                            },
                            {
                                "const": "MV"
                            },
                            {
                                "const": "MW"
                            },
                            {
                                "const": "MX"
                            },
                            {
                                "const": "MY"
                            },
                            {
                                "const": "MZ"
                            },
                            {
                                "const": "NA"
                            },
                            {
                                "const": "NC"
                            },
                            {
                                "const": "NE"
                            },
                            {
                                "const": "NF"
                            },
                            {
                                "const": "NG"
                            },
                            {
                                "const": "NI"
                            },
                            {
                                "const": "NL"
                            },
                            {
                                "const": "NO"
                            },
                            {
                                "const": "NP"
                            },
                            {
                                "const": "NR"
                            },
                            {
                                "const": "NU"
                            },
                            {
                                "const": "NZ"
                            },
                            {
                                "const": "OM"
                            },
                            {
                                "const": "PA"
                            },
                            {
                                "const": "PE"
                            },
                            {
                                "const": "PF"
                            },
                            {
                                "const": "PG"
                            },
                            {
                                "const": "PH"
                            },
                            {
                                "const": "PK"
                            },
                            {
                                "const": "PL"
                            },
                            {
                                "const": "PM"
                            },
                            {
                                "const": "PN"
                            },
                            {
                                "const": "PR"
                            },
                            {
                                "const": "PS"
                            },
                            {
                                "const": "PT"
                            },
                            {
                                "const": "PW"
                            },
                            {
                                "const": "PY"
                            },
                            {
                                "const": "QA"
                            },
                            {
                                "const": "RE"
                            },
                            {
                                "const": "RO"
                            },
                            {
                                "const": "RS"
                            },
                            {
                                "const": "RU"
                            },
                            {
                                "const": "RW"
                            },
                            {
                                "const": "SA"
                            },
                            {
                                "const": "SB"
                            },
                            {
                                "const": "SC"
                            },
                            {
                                "const": "SD"
                            },
                            {
                                "const": "SE"
                            },
                            {
                                "const": "SG"
                            },
                            {
                                "const": "SH"
                            },
                            {
                                "const": "SI"
                            },
                            {
                                "const": "SJ"
                            },
                            {
                                "const": "SK"
                            },
                            {
                                "const": "SL"
                            },
                            {
                                "const": "SM"
                            },
                            {
                                "const": "SN"
                            },
                            {
                                "const": "SO"
                            },
                            {
                                "const": "SR"
                            },
                            {
                                "const": "SS"
                            },
                            {
                                "const": "ST"
                            },
                            {
                                "const": "SV"
                            },
                            {
                                "const": "SX"
                            },
                            {
                                "const": "SY"
                            },
                            {
                                "const": "SZ"
                            },
                            {
                                "const": "TC"
                            },
                            {
                                "const": "TD"
                            },
                            {
                                "const": "TF"
                            },
                            {
                                "const": "TG"
                            },
                            {
                                "const": "TH"
                            },
                            {
                                "const": "TJ"
                            },
                            {
                                "const": "TK"
                            },
                            {
                                "const": "TL"
                            },
                            {
                                "const": "TM"
                            },
                            {
                                "const": "TN"
                            },
                            {
                                "const": "TO"
                            },
                            {
                                "const": "TR"
                            },
                            {
                                "const": "TT"
                            },
                            {
                                "const": "TV"
                            },
                            {
                                "const": "TW"
                            },
                            {
                                "const": "TZ"
                            },
                            {
                                "const": "UA"
                            },
                            {
                                "const": "UG"
                            },
                            {
                                "const": "UM"
                            },
                            {
                                "const": "US"
                            },
                            {
                                "const": "UY"
                            },
                            {
                                "const": "UZ"
                            },
                            {
                                "const": "VA"
                            },
                            {
                                "const": "VC"
                            },
                            {
                                "const": "VE"
                            },
                            {
                                "const": "VG"
                            },
                            {
                                "const": "VI"
                            },
                            {
                                "const": "VN"
                            },
                            {
                                "const": "VU"
                            },
                            {
                                "const": "WF"
                            },
                            {
                                "const": "WS"
                            },
                            {
                                "const": "YE"
                            },
                            {
                                "const": "YT"
                            },
                            {
                                "const": "ZA"
                            },
                            {
                                "const": "ZM"
                            },
                            {
                                "const": "ZW"
                            }
                        ]
                    },
                    weight: {
                        oneOf: [
                            {
                                type: "string",
                                pattern: "^(?!0(?:\\.0{1,3})?$)(?:(?:0|[1-9][0-9]{0,2})(?:\\.[0-9]{1,3})?|1000(?:\\.0{1,3})?)$"
                            },
                            {
                                type: "number",
                                exclusiveMinimum: 0,
                                maximum: 1000
                            }
                        ]
                    },
                    created_at: {
                        type: "string",
                        pattern: "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
                    },
                    customer_id: {
                        type: "string",
                        format: "uuid",
                        pattern: "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
                        not: {
                            "const": "00000000-0000-0000-0000-000000000000"
                        }
                    },
                    customer_name: {
                        type: "string",
                        minLength: 1,
                        maxLength: 200,
                        pattern: "^(?=[\\s\\S]*\\S)(?:[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])+$"
                    },
                    customer_slug: {
                        type: "string",
                        maxLength: 200,
                        pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$"
                    },
                    parcels: {
                        type: "integer",
                        minimum: 1,
                        maximum: 10000,
                        "default": 1,
                        description: "One number per parcel."
                    }
                },
                required: [
                    "origin_country_id",
                    "destination_country_id",
                    "weight",
                    "created_at",
                    "customer_id",
                    "customer_name",
                    "customer_slug"
                ],
                description: "An order of a batch: the order's parameters, and how many numbers it needs."
            },
            BatchIssued: {
                type: "object",
                properties: {
                    orders: {
                        type: "array",
                        items: {
                            $ref: "#/components/schemas/BatchIssuedOrder"
                        },
                        minItems: 1
                    }
                },
                required: [
                    "orders"
                ],
                description: "POST /tracking-numbers: the numbers, grouped per order, in the order of the request."
            },
            BatchIssuedOrder: {
                type: "object",
                properties: {
                    order: {
                        $ref: "#/components/schemas/BatchOrderEcho"
                    },
                    tracking_numbers: {
                        type: "array",
                        items: {
                            $ref: "#/components/schemas/IssuedNumber"
                        },
                        minItems: 1
                    }
                },
                required: [
                    "order",
                    "tracking_numbers"
                ],
                description: "One order of a batch's answer: the order as validated, and its numbers."
            },
            BatchOrderEcho: {
                type: "object",
                properties: {
                    parcels: {
                        $ref: "#/components/schemas/Parcels"
                    },
                    origin_country_id: {
                        oneOf: [
                            {
                                "const": "AD"
                            },
                            {
                                "const": "AE"
                            },
                            {
                                "const": "AF"
                            },
                            {
                                "const": "AG"
                            },
                            {
                                "const": "AI"
                            },
                            {
                                "const": "AL"
                            },
                            {
                                "const": "AM"
                            },
                            {
                                "const": "AO"
                            },
                            {
                                "const": "AQ"
                            },
                            {
                                "const": "AR"
                            },
                            {
                                "const": "AS"
                            },
                            {
                                "const": "AT"
                            },
                            {
                                "const": "AU"
                            },
                            {
                                "const": "AW"
                            },
                            {
                                "const": "AX"
                            },
                            {
                                "const": "AZ"
                            },
                            {
                                "const": "BA"
                            },
                            {
                                "const": "BB"
                            },
                            {
                                "const": "BD"
                            },
                            {
                                "const": "BE"
                            },
                            {
                                "const": "BF"
                            },
                            {
                                "const": "BG"
                            },
                            {
                                "const": "BH"
                            },
                            {
                                "const": "BI"
                            },
                            {
                                "const": "BJ"
                            },
                            {
                                "const": "BL"
                            },
                            {
                                "const": "BM"
                            },
                            {
                                "const": "BN"
                            },
                            {
                                "const": "BO"
                            },
                            {
                                "const": "BQ"
                            },
                            {
                                "const": "BR"
                            },
                            {
                                "const": "BS"
                            },
                            {
                                "const": "BT"
                            },
                            {
                                "const": "BV"
                            },
                            {
                                "const": "BW"
                            },
                            {
                                "const": "BY"
                            },
                            {
                                "const": "BZ"
                            },
                            {
                                "const": "CA"
                            },
                            {
                                "const": "CC"
                            },
                            {
                                "const": "CD"
                            },
                            {
                                "const": "CF"
                            },
                            {
                                "const": "CG"
                            },
                            {
                                "const": "CH"
                            },
                            {
                                "const": "CI"
                            },
                            {
                                "const": "CK"
                            },
                            {
                                "const": "CL"
                            },
                            {
                                "const": "CM"
                            },
                            {
                                "const": "CN"
                            },
                            {
                                "const": "CO"
                            },
                            {
                                "const": "CR"
                            },
                            {
                                "const": "CU"
                            },
                            {
                                "const": "CV"
                            },
                            {
                                "const": "CW"
                            },
                            {
                                "const": "CX"
                            },
                            {
                                "const": "CY"
                            },
                            {
                                "const": "CZ"
                            },
                            {
                                "const": "DE"
                            },
                            {
                                "const": "DJ"
                            },
                            {
                                "const": "DK"
                            },
                            {
                                "const": "DM"
                            },
                            {
                                "const": "DO"
                            },
                            {
                                "const": "DZ"
                            },
                            {
                                "const": "EC"
                            },
                            {
                                "const": "EE"
                            },
                            {
                                "const": "EG"
                            },
                            {
                                "const": "EH"
                            },
                            {
                                "const": "ER"
                            },
                            {
                                "const": "ES"
                            },
                            {
                                "const": "ET"
                            },
                            {
                                "const": "FI"
                            },
                            {
                                "const": "FJ"
                            },
                            {
                                "const": "FK"
                            },
                            {
                                "const": "FM"
                            },
                            {
                                "const": "FO"
                            },
                            {
                                "const": "FR"
                            },
                            {
                                "const": "GA"
                            },
                            {
                                "const": "GB"
                            },
                            {
                                "const": "GD"
                            },
                            {
                                "const": "GE"
                            },
                            {
                                "const": "GF"
                            },
                            {
                                "const": "GG"
                            },
                            {
                                "const": "GH"
                            },
                            {
                                "const": "GI"
                            },
                            {
                                "const": "GL"
                            },
                            {
                                "const": "GM"
                            },
                            {
                                "const": "GN"
                            },
                            {
                                "const": "GP"
                            },
                            {
                                "const": "GQ"
                            },
                            {
                                "const": "GR"
                            },
                            {
                                "const": "GS"
                            },
                            {
                                "const": "GT"
                            },
                            {
                                "const": "GU"
                            },
                            {
                                "const": "GW"
                            },
                            {
                                "const": "GY"
                            },
                            {
                                "const": "HK"
                            },
                            {
                                "const": "HM"
                            },
                            {
                                "const": "HN"
                            },
                            {
                                "const": "HR"
                            },
                            {
                                "const": "HT"
                            },
                            {
                                "const": "HU"
                            },
                            {
                                "const": "ID"
                            },
                            {
                                "const": "IE"
                            },
                            {
                                "const": "IL"
                            },
                            {
                                "const": "IM"
                            },
                            {
                                "const": "IN"
                            },
                            {
                                "const": "IO"
                            },
                            {
                                "const": "IQ"
                            },
                            {
                                "const": "IR"
                            },
                            {
                                "const": "IS"
                            },
                            {
                                "const": "IT"
                            },
                            {
                                "const": "JE"
                            },
                            {
                                "const": "JM"
                            },
                            {
                                "const": "JO"
                            },
                            {
                                "const": "JP"
                            },
                            {
                                "const": "KE"
                            },
                            {
                                "const": "KG"
                            },
                            {
                                "const": "KH"
                            },
                            {
                                "const": "KI"
                            },
                            {
                                "const": "KM"
                            },
                            {
                                "const": "KN"
                            },
                            {
                                "const": "KP"
                            },
                            {
                                "const": "KR"
                            },
                            {
                                "const": "KW"
                            },
                            {
                                "const": "KY"
                            },
                            {
                                "const": "KZ"
                            },
                            {
                                "const": "LA"
                            },
                            {
                                "const": "LB"
                            },
                            {
                                "const": "LC"
                            },
                            {
                                "const": "LI"
                            },
                            {
                                "const": "LK"
                            },
                            {
                                "const": "LR"
                            },
                            {
                                "const": "LS"
                            },
                            {
                                "const": "LT"
                            },
                            {
                                "const": "LU"
                            },
                            {
                                "const": "LV"
                            },
                            {
                                "const": "LY"
                            },
                            {
                                "const": "MA"
                            },
                            {
                                "const": "MC"
                            },
                            {
                                "const": "MD"
                            },
                            {
                                "const": "ME"
                            },
                            {
                                "const": "MF"
                            },
                            {
                                "const": "MG"
                            },
                            {
                                "const": "MH"
                            },
                            {
                                "const": "MK"
                            },
                            {
                                "const": "ML"
                            },
                            {
                                "const": "MM"
                            },
                            {
                                "const": "MN"
                            },
                            {
                                "const": "MO"
                            },
                            {
                                "const": "MP"
                            },
                            {
                                "const": "MQ"
                            },
                            {
                                "const": "MR"
                            },
                            {
                                "const": "MS"
                            },
                            {
                                "const": "MT"
                            },
                            {
                                "const": "MU"
                            },
                            {
                                "const": "MV"
                            },
                            {
                                "const": "MW"
                            },
                            {
                                "const": "MX"
                            },
                            {
                                "const": "MY"
                            },
                            {
                                "const": "MZ"
                            },
                            {
                                "const": "NA"
                            },
                            {
                                "const": "NC"
                            },
                            {
                                "const": "NE"
                            },
                            {
                                "const": "NF"
                            },
                            {
                                "const": "NG"
                            },
                            {
                                "const": "NI"
                            },
                            {
                                "const": "NL"
                            },
                            {
                                "const": "NO"
                            },
                            {
                                "const": "NP"
                            },
                            {
                                "const": "NR"
                            },
                            {
                                "const": "NU"
                            },
                            {
                                "const": "NZ"
                            },
                            {
                                "const": "OM"
                            },
                            {
                                "const": "PA"
                            },
                            {
                                "const": "PE"
                            },
                            {
                                "const": "PF"
                            },
                            {
                                "const": "PG"
                            },
                            {
                                "const": "PH"
                            },
                            {
                                "const": "PK"
                            },
                            {
                                "const": "PL"
                            },
                            {
                                "const": "PM"
                            },
                            {
                                "const": "PN"
                            },
                            {
                                "const": "PR"
                            },
                            {
                                "const": "PS"
                            },
                            {
                                "const": "PT"
                            },
                            {
                                "const": "PW"
                            },
                            {
                                "const": "PY"
                            },
                            {
                                "const": "QA"
                            },
                            {
                                "const": "RE"
                            },
                            {
                                "const": "RO"
                            },
                            {
                                "const": "RS"
                            },
                            {
                                "const": "RU"
                            },
                            {
                                "const": "RW"
                            },
                            {
                                "const": "SA"
                            },
                            {
                                "const": "SB"
                            },
                            {
                                "const": "SC"
                            },
                            {
                                "const": "SD"
                            },
                            {
                                "const": "SE"
                            },
                            {
                                "const": "SG"
                            },
                            {
                                "const": "SH"
                            },
                            {
                                "const": "SI"
                            },
                            {
                                "const": "SJ"
                            },
                            {
                                "const": "SK"
                            },
                            {
                                "const": "SL"
                            },
                            {
                                "const": "SM"
                            },
                            {
                                "const": "SN"
                            },
                            {
                                "const": "SO"
                            },
                            {
                                "const": "SR"
                            },
                            {
                                "const": "SS"
                            },
                            {
                                "const": "ST"
                            },
                            {
                                "const": "SV"
                            },
                            {
                                "const": "SX"
                            },
                            {
                                "const": "SY"
                            },
                            {
                                "const": "SZ"
                            },
                            {
                                "const": "TC"
                            },
                            {
                                "const": "TD"
                            },
                            {
                                "const": "TF"
                            },
                            {
                                "const": "TG"
                            },
                            {
                                "const": "TH"
                            },
                            {
                                "const": "TJ"
                            },
                            {
                                "const": "TK"
                            },
                            {
                                "const": "TL"
                            },
                            {
                                "const": "TM"
                            },
                            {
                                "const": "TN"
                            },
                            {
                                "const": "TO"
                            },
                            {
                                "const": "TR"
                            },
                            {
                                "const": "TT"
                            },
                            {
                                "const": "TV"
                            },
                            {
                                "const": "TW"
                            },
                            {
                                "const": "TZ"
                            },
                            {
                                "const": "UA"
                            },
                            {
                                "const": "UG"
                            },
                            {
                                "const": "UM"
                            },
                            {
                                "const": "US"
                            },
                            {
                                "const": "UY"
                            },
                            {
                                "const": "UZ"
                            },
                            {
                                "const": "VA"
                            },
                            {
                                "const": "VC"
                            },
                            {
                                "const": "VE"
                            },
                            {
                                "const": "VG"
                            },
                            {
                                "const": "VI"
                            },
                            {
                                "const": "VN"
                            },
                            {
                                "const": "VU"
                            },
                            {
                                "const": "WF"
                            },
                            {
                                "const": "WS"
                            },
                            {
                                "const": "YE"
                            },
                            {
                                "const": "YT"
                            },
                            {
                                "const": "ZA"
                            },
                            {
                                "const": "ZM"
                            },
                            {
                                "const": "ZW"
                            }
                        ]
                    },
                    destination_country_id: {
                        oneOf: [
                            {
                                "const": "AD"
                            },
                            {
                                "const": "AE"
                            },
                            {
                                "const": "AF"
                            },
                            {
                                "const": "AG"
                            },
                            {
                                "const": "AI"
                            },
                            {
                                "const": "AL"
                            },
                            {
                                "const": "AM"
                            },
                            {
                                "const": "AO"
                            },
                            {
                                "const": "AQ"
                            },
                            {
                                "const": "AR"
                            },
                            {
                                "const": "AS"
                            },
                            {
                                "const": "AT"
                            },
                            {
                                "const": "AU"
                            },
                            {
                                "const": "AW"
                            },
                            {
                                "const": "AX"
                            },
                            {
                                "const": "AZ"
                            },
                            {
                                "const": "BA"
                            },
                            {
                                "const": "BB"
                            },
                            {
                                "const": "BD"
                            },
                            {
                                "const": "BE"
                            },
                            {
                                "const": "BF"
                            },
                            {
                                "const": "BG"
                            },
                            {
                                "const": "BH"
                            },
                            {
                                "const": "BI"
                            },
                            {
                                "const": "BJ"
                            },
                            {
                                "const": "BL"
                            },
                            {
                                "const": "BM"
                            },
                            {
                                "const": "BN"
                            },
                            {
                                "const": "BO"
                            },
                            {
                                "const": "BQ"
                            },
                            {
                                "const": "BR"
                            },
                            {
                                "const": "BS"
                            },
                            {
                                "const": "BT"
                            },
                            {
                                "const": "BV"
                            },
                            {
                                "const": "BW"
                            },
                            {
                                "const": "BY"
                            },
                            {
                                "const": "BZ"
                            },
                            {
                                "const": "CA"
                            },
                            {
                                "const": "CC"
                            },
                            {
                                "const": "CD"
                            },
                            {
                                "const": "CF"
                            },
                            {
                                "const": "CG"
                            },
                            {
                                "const": "CH"
                            },
                            {
                                "const": "CI"
                            },
                            {
                                "const": "CK"
                            },
                            {
                                "const": "CL"
                            },
                            {
                                "const": "CM"
                            },
                            {
                                "const": "CN"
                            },
                            {
                                "const": "CO"
                            },
                            {
                                "const": "CR"
                            },
                            {
                                "const": "CU"
                            },
                            {
                                "const": "CV"
                            },
                            {
                                "const": "CW"
                            },
                            {
                                "const": "CX"
                            },
                            {
                                "const": "CY"
                            },
                            {
                                "const": "CZ"
                            },
                            {
                                "const": "DE"
                            },
                            {
                                "const": "DJ"
                            },
                            {
                                "const": "DK"
                            },
                            {
                                "const": "DM"
                            },
                            {
                                "const": "DO"
                            },
                            {
                                "const": "DZ"
                            },
                            {
                                "const": "EC"
                            },
                            {
                                "const": "EE"
                            },
                            {
                                "const": "EG"
                            },
                            {
                                "const": "EH"
                            },
                            {
                                "const": "ER"
                            },
                            {
                                "const": "ES"
                            },
                            {
                                "const": "ET"
                            },
                            {
                                "const": "FI"
                            },
                            {
                                "const": "FJ"
                            },
                            {
                                "const": "FK"
                            },
                            {
                                "const": "FM"
                            },
                            {
                                "const": "FO"
                            },
                            {
                                "const": "FR"
                            },
                            {
                                "const": "GA"
                            },
                            {
                                "const": "GB"
                            },
                            {
                                "const": "GD"
                            },
                            {
                                "const": "GE"
                            },
                            {
                                "const": "GF"
                            },
                            {
                                "const": "GG"
                            },
                            {
                                "const": "GH"
                            },
                            {
                                "const": "GI"
                            },
                            {
                                "const": "GL"
                            },
                            {
                                "const": "GM"
                            },
                            {
                                "const": "GN"
                            },
                            {
                                "const": "GP"
                            },
                            {
                                "const": "GQ"
                            },
                            {
                                "const": "GR"
                            },
                            {
                                "const": "GS"
                            },
                            {
                                "const": "GT"
                            },
                            {
                                "const": "GU"
                            },
                            {
                                "const": "GW"
                            },
                            {
                                "const": "GY"
                            },
                            {
                                "const": "HK"
                            },
                            {
                                "const": "HM"
                            },
                            {
                                "const": "HN"
                            },
                            {
                                "const": "HR"
                            },
                            {
                                "const": "HT"
                            },
                            {
                                "const": "HU"
                            },
                            {
                                "const": "ID"
                            },
                            {
                                "const": "IE"
                            },
                            {
                                "const": "IL"
                            },
                            {
                                "const": "IM"
                            },
                            {
                                "const": "IN"
                            },
                            {
                                "const": "IO"
                            },
                            {
                                "const": "IQ"
                            },
                            {
                                "const": "IR"
                            },
                            {
                                "const": "IS"
                            },
                            {
                                "const": "IT"
                            },
                            {
                                "const": "JE"
                            },
                            {
                                "const": "JM"
                            },
                            {
                                "const": "JO"
                            },
                            {
                                "const": "JP"
                            },
                            {
                                "const": "KE"
                            },
                            {
                                "const": "KG"
                            },
                            {
                                "const": "KH"
                            },
                            {
                                "const": "KI"
                            },
                            {
                                "const": "KM"
                            },
                            {
                                "const": "KN"
                            },
                            {
                                "const": "KP"
                            },
                            {
                                "const": "KR"
                            },
                            {
                                "const": "KW"
                            },
                            {
                                "const": "KY"
                            },
                            {
                                "const": "KZ"
                            },
                            {
                                "const": "LA"
                            },
                            {
                                "const": "LB"
                            },
                            {
                                "const": "LC"
                            },
                            {
                                "const": "LI"
                            },
                            {
                                "const": "LK"
                            },
                            {
                                "const": "LR"
                            },
                            {
                                "const": "LS"
                            },
                            {
                                "const": "LT"
                            },
                            {
                                "const": "LU"
                            },
                            {
                                "const": "LV"
                            },
                            {
                                "const": "LY"
                            },
                            {
                                "const": "MA"
                            },
                            {
                                "const": "MC"
                            },
                            {
                                "const": "MD"
                            },
                            {
                                "const": "ME"
                            },
                            {
                                "const": "MF"
                            },
                            {
                                "const": "MG"
                            },
                            {
                                "const": "MH"
                            },
                            {
                                "const": "MK"
                            },
                            {
                                "const": "ML"
                            },
                            {
                                "const": "MM"
                            },
                            {
                                "const": "MN"
                            },
                            {
                                "const": "MO"
                            },
                            {
                                "const": "MP"
                            },
                            {
                                "const": "MQ"
                            },
                            {
                                "const": "MR"
                            },
                            {
                                "const": "MS"
                            },
                            {
                                "const": "MT"
                            },
                            {
                                "const": "MU"
                            },
                            {
                                "const": "MV"
                            },
                            {
                                "const": "MW"
                            },
                            {
                                "const": "MX"
                            },
                            {
                                "const": "MY"
                            },
                            {
                                "const": "MZ"
                            },
                            {
                                "const": "NA"
                            },
                            {
                                "const": "NC"
                            },
                            {
                                "const": "NE"
                            },
                            {
                                "const": "NF"
                            },
                            {
                                "const": "NG"
                            },
                            {
                                "const": "NI"
                            },
                            {
                                "const": "NL"
                            },
                            {
                                "const": "NO"
                            },
                            {
                                "const": "NP"
                            },
                            {
                                "const": "NR"
                            },
                            {
                                "const": "NU"
                            },
                            {
                                "const": "NZ"
                            },
                            {
                                "const": "OM"
                            },
                            {
                                "const": "PA"
                            },
                            {
                                "const": "PE"
                            },
                            {
                                "const": "PF"
                            },
                            {
                                "const": "PG"
                            },
                            {
                                "const": "PH"
                            },
                            {
                                "const": "PK"
                            },
                            {
                                "const": "PL"
                            },
                            {
                                "const": "PM"
                            },
                            {
                                "const": "PN"
                            },
                            {
                                "const": "PR"
                            },
                            {
                                "const": "PS"
                            },
                            {
                                "const": "PT"
                            },
                            {
                                "const": "PW"
                            },
                            {
                                "const": "PY"
                            },
                            {
                                "const": "QA"
                            },
                            {
                                "const": "RE"
                            },
                            {
                                "const": "RO"
                            },
                            {
                                "const": "RS"
                            },
                            {
                                "const": "RU"
                            },
                            {
                                "const": "RW"
                            },
                            {
                                "const": "SA"
                            },
                            {
                                "const": "SB"
                            },
                            {
                                "const": "SC"
                            },
                            {
                                "const": "SD"
                            },
                            {
                                "const": "SE"
                            },
                            {
                                "const": "SG"
                            },
                            {
                                "const": "SH"
                            },
                            {
                                "const": "SI"
                            },
                            {
                                "const": "SJ"
                            },
                            {
                                "const": "SK"
                            },
                            {
                                "const": "SL"
                            },
                            {
                                "const": "SM"
                            },
                            {
                                "const": "SN"
                            },
                            {
                                "const": "SO"
                            },
                            {
                                "const": "SR"
                            },
                            {
                                "const": "SS"
                            },
                            {
                                "const": "ST"
                            },
                            {
                                "const": "SV"
                            },
                            {
                                "const": "SX"
                            },
                            {
                                "const": "SY"
                            },
                            {
                                "const": "SZ"
                            },
                            {
                                "const": "TC"
                            },
                            {
                                "const": "TD"
                            },
                            {
                                "const": "TF"
                            },
                            {
                                "const": "TG"
                            },
                            {
                                "const": "TH"
                            },
                            {
                                "const": "TJ"
                            },
                            {
                                "const": "TK"
                            },
                            {
                                "const": "TL"
                            },
                            {
                                "const": "TM"
                            },
                            {
                                "const": "TN"
                            },
                            {
                                "const": "TO"
                            },
                            {
                                "const": "TR"
                            },
                            {
                                "const": "TT"
                            },
                            {
                                "const": "TV"
                            },
                            {
                                "const": "TW"
                            },
                            {
                                "const": "TZ"
                            },
                            {
                                "const": "UA"
                            },
                            {
                                "const": "UG"
                            },
                            {
                                "const": "UM"
                            },
                            {
                                "const": "US"
                            },
                            {
                                "const": "UY"
                            },
                            {
                                "const": "UZ"
                            },
                            {
                                "const": "VA"
                            },
                            {
                                "const": "VC"
                            },
                            {
                                "const": "VE"
                            },
                            {
                                "const": "VG"
                            },
                            {
                                "const": "VI"
                            },
                            {
                                "const": "VN"
                            },
                            {
                                "const": "VU"
                            },
                            {
                                "const": "WF"
                            },
                            {
                                "const": "WS"
                            },
                            {
                                "const": "YE"
                            },
                            {
                                "const": "YT"
                            },
                            {
                                "const": "ZA"
                            },
                            {
                                "const": "ZM"
                            },
                            {
                                "const": "ZW"
                            }
                        ]
                    },
                    weight: {
                        type: "string",
                        pattern: "^(?!0(?:\\.0{1,3})?$)(?:(?:0|[1-9][0-9]{0,2})(?:\\.[0-9]{1,3})?|1000(?:\\.0{1,3})?)$"
                    },
                    created_at: {
                        type: "string",
                        pattern: "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
                    },
                    customer_id: {
                        type: "string",
                        format: "uuid",
                        pattern: "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
                        not: {
                            "const": "00000000-0000-0000-0000-000000000000"
                        }
                    },
                    customer_name: {
                        type: "string",
                        minLength: 1,
                        maxLength: 200,
                        pattern: "^(?=[\\s\\S]*\\S)(?:[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])+$"
                    },
                    customer_slug: {
                        type: "string",
                        maxLength: 200,
                        pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$"
                    }
                },
                required: [
                    "parcels",
                    "origin_country_id",
                    "destination_country_id",
                    "weight",
                    "created_at",
                    "customer_id",
                    "customer_name",
                    "customer_slug"
                ],
                description: "An order of a batch as validated: weight as a string, parcels given or 1."
            },
            Parcels: {
                type: "integer",
                minimum: 1,
                maximum: 10000,
                description: "How many numbers an order asks for: one per parcel."
            },
            IssuedNumber: {
                type: "object",
                properties: {
                    tracking_number: {
                        $ref: "#/components/schemas/TrackingNumber"
                    },
                    created_at: {
                        $ref: "#/components/schemas/IssueTime",
                        description: "When the number was issued (UTC, milliseconds); the order's own created_at is in `order`."
                    }
                },
                required: [
                    "tracking_number",
                    "created_at"
                ]
            },
            Lookup: {
                type: "object",
                properties: {
                    tracking_number: {
                        $ref: "#/components/schemas/TrackingNumber",
                        description: "The number as checked: ASCII letters upper-cased."
                    },
                    valid: {
                        "const": true,
                        description: "Always true: the number is well formed (length, characters, an assigned\norigin country) and its check character matches. It does not mean the\nnumber was issued."
                    },
                    origin_country_id: {
                        oneOf: [
                            {
                                "const": "AD"
                            },
                            {
                                "const": "AE"
                            },
                            {
                                "const": "AF"
                            },
                            {
                                "const": "AG"
                            },
                            {
                                "const": "AI"
                            },
                            {
                                "const": "AL"
                            },
                            {
                                "const": "AM"
                            },
                            {
                                "const": "AO"
                            },
                            {
                                "const": "AQ"
                            },
                            {
                                "const": "AR"
                            },
                            {
                                "const": "AS"
                            },
                            {
                                "const": "AT"
                            },
                            {
                                "const": "AU"
                            },
                            {
                                "const": "AW"
                            },
                            {
                                "const": "AX"
                            },
                            {
                                "const": "AZ"
                            },
                            {
                                "const": "BA"
                            },
                            {
                                "const": "BB"
                            },
                            {
                                "const": "BD"
                            },
                            {
                                "const": "BE"
                            },
                            {
                                "const": "BF"
                            },
                            {
                                "const": "BG"
                            },
                            {
                                "const": "BH"
                            },
                            {
                                "const": "BI"
                            },
                            {
                                "const": "BJ"
                            },
                            {
                                "const": "BL"
                            },
                            {
                                "const": "BM"
                            },
                            {
                                "const": "BN"
                            },
                            {
                                "const": "BO"
                            },
                            {
                                "const": "BQ"
                            },
                            {
                                "const": "BR"
                            },
                            {
                                "const": "BS"
                            },
                            {
                                "const": "BT"
                            },
                            {
                                "const": "BV"
                            },
                            {
                                "const": "BW"
                            },
                            {
                                "const": "BY"
                            },
                            {
                                "const": "BZ"
                            },
                            {
                                "const": "CA"
                            },
                            {
                                "const": "CC"
                            },
                            {
                                "const": "CD"
                            },
                            {
                                "const": "CF"
                            },
                            {
                                "const": "CG"
                            },
                            {
                                "const": "CH"
                            },
                            {
                                "const": "CI"
                            },
                            {
                                "const": "CK"
                            },
                            {
                                "const": "CL"
                            },
                            {
                                "const": "CM"
                            },
                            {
                                "const": "CN"
                            },
                            {
                                "const": "CO"
                            },
                            {
                                "const": "CR"
                            },
                            {
                                "const": "CU"
                            },
                            {
                                "const": "CV"
                            },
                            {
                                "const": "CW"
                            },
                            {
                                "const": "CX"
                            },
                            {
                                "const": "CY"
                            },
                            {
                                "const": "CZ"
                            },
                            {
                                "const": "DE"
                            },
                            {
                                "const": "DJ"
                            },
                            {
                                "const": "DK"
                            },
                            {
                                "const": "DM"
                            },
                            {
                                "const": "DO"
                            },
                            {
                                "const": "DZ"
                            },
                            {
                                "const": "EC"
                            },
                            {
                                "const": "EE"
                            },
                            {
                                "const": "EG"
                            },
                            {
                                "const": "EH"
                            },
                            {
                                "const": "ER"
                            },
                            {
                                "const": "ES"
                            },
                            {
                                "const": "ET"
                            },
                            {
                                "const": "FI"
                            },
                            {
                                "const": "FJ"
                            },
                            {
                                "const": "FK"
                            },
                            {
                                "const": "FM"
                            },
                            {
                                "const": "FO"
                            },
                            {
                                "const": "FR"
                            },
                            {
                                "const": "GA"
                            },
                            {
                                "const": "GB"
                            },
                            {
                                "const": "GD"
                            },
                            {
                                "const": "GE"
                            },
                            {
                                "const": "GF"
                            },
                            {
                                "const": "GG"
                            },
                            {
                                "const": "GH"
                            },
                            {
                                "const": "GI"
                            },
                            {
                                "const": "GL"
                            },
                            {
                                "const": "GM"
                            },
                            {
                                "const": "GN"
                            },
                            {
                                "const": "GP"
                            },
                            {
                                "const": "GQ"
                            },
                            {
                                "const": "GR"
                            },
                            {
                                "const": "GS"
                            },
                            {
                                "const": "GT"
                            },
                            {
                                "const": "GU"
                            },
                            {
                                "const": "GW"
                            },
                            {
                                "const": "GY"
                            },
                            {
                                "const": "HK"
                            },
                            {
                                "const": "HM"
                            },
                            {
                                "const": "HN"
                            },
                            {
                                "const": "HR"
                            },
                            {
                                "const": "HT"
                            },
                            {
                                "const": "HU"
                            },
                            {
                                "const": "ID"
                            },
                            {
                                "const": "IE"
                            },
                            {
                                "const": "IL"
                            },
                            {
                                "const": "IM"
                            },
                            {
                                "const": "IN"
                            },
                            {
                                "const": "IO"
                            },
                            {
                                "const": "IQ"
                            },
                            {
                                "const": "IR"
                            },
                            {
                                "const": "IS"
                            },
                            {
                                "const": "IT"
                            },
                            {
                                "const": "JE"
                            },
                            {
                                "const": "JM"
                            },
                            {
                                "const": "JO"
                            },
                            {
                                "const": "JP"
                            },
                            {
                                "const": "KE"
                            },
                            {
                                "const": "KG"
                            },
                            {
                                "const": "KH"
                            },
                            {
                                "const": "KI"
                            },
                            {
                                "const": "KM"
                            },
                            {
                                "const": "KN"
                            },
                            {
                                "const": "KP"
                            },
                            {
                                "const": "KR"
                            },
                            {
                                "const": "KW"
                            },
                            {
                                "const": "KY"
                            },
                            {
                                "const": "KZ"
                            },
                            {
                                "const": "LA"
                            },
                            {
                                "const": "LB"
                            },
                            {
                                "const": "LC"
                            },
                            {
                                "const": "LI"
                            },
                            {
                                "const": "LK"
                            },
                            {
                                "const": "LR"
                            },
                            {
                                "const": "LS"
                            },
                            {
                                "const": "LT"
                            },
                            {
                                "const": "LU"
                            },
                            {
                                "const": "LV"
                            },
                            {
                                "const": "LY"
                            },
                            {
                                "const": "MA"
                            },
                            {
                                "const": "MC"
                            },
                            {
                                "const": "MD"
                            },
                            {
                                "const": "ME"
                            },
                            {
                                "const": "MF"
                            },
                            {
                                "const": "MG"
                            },
                            {
                                "const": "MH"
                            },
                            {
                                "const": "MK"
                            },
                            {
                                "const": "ML"
                            },
                            {
                                "const": "MM"
                            },
                            {
                                "const": "MN"
                            },
                            {
                                "const": "MO"
                            },
                            {
                                "const": "MP"
                            },
                            {
                                "const": "MQ"
                            },
                            {
                                "const": "MR"
                            },
                            {
                                "const": "MS"
                            },
                            {
                                "const": "MT"
                            },
                            {
                                "const": "MU"
                            },
                            {
                                "const": "MV"
                            },
                            {
                                "const": "MW"
                            },
                            {
                                "const": "MX"
                            },
                            {
                                "const": "MY"
                            },
                            {
                                "const": "MZ"
                            },
                            {
                                "const": "NA"
                            },
                            {
                                "const": "NC"
                            },
                            {
                                "const": "NE"
                            },
                            {
                                "const": "NF"
                            },
                            {
                                "const": "NG"
                            },
                            {
                                "const": "NI"
                            },
                            {
                                "const": "NL"
                            },
                            {
                                "const": "NO"
                            },
                            {
                                "const": "NP"
                            },
                            {
                                "const": "NR"
                            },
                            {
                                "const": "NU"
                            },
                            {
                                "const": "NZ"
                            },
                            {
                                "const": "OM"
                            },
                            {
                                "const": "PA"
                            },
                            {
                                "const": "PE"
                            },
                            {
                                "const": "PF"
                            },
                            {
                                "const": "PG"
                            },
                            {
                                "const": "PH"
                            },
                            {
                                "const": "PK"
                            },
                            {
                                "const": "PL"
                            },
                            {
                                "const": "PM"
                            },
                            {
                                "const": "PN"
                            },
                            {
                                "const": "PR"
                            },
                            {
                                "const": "PS"
                            },
                            {
                                "const": "PT"
                            },
                            {
                                "const": "PW"
                            },
                            {
                                "const": "PY"
                            },
                            {
                                "const": "QA"
                            },
                            {
                                "const": "RE"
                            },
                            {
                                "const": "RO"
                            },
                            {
                                "const": "RS"
                            },
                            {
                                "const": "RU"
                            },
                            {
                                "const": "RW"
                            },
                            {
                                "const": "SA"
                            },
                            {
                                "const": "SB"
                            },
                            {
                                "const": "SC"
                            },
                            {
                                "const": "SD"
                            },
                            {
                                "const": "SE"
                            },
                            {
                                "const": "SG"
                            },
                            {
                                "const": "SH"
                            },
                            {
                                "const": "SI"
                            },
                            {
                                "const": "SJ"
                            },
                            {
                                "const": "SK"
                            },
                            {
                                "const": "SL"
                            },
                            {
                                "const": "SM"
                            },
                            {
                                "const": "SN"
                            },
                            {
                                "const": "SO"
                            },
                            {
                                "const": "SR"
                            },
                            {
                                "const": "SS"
                            },
                            {
                                "const": "ST"
                            },
                            {
                                "const": "SV"
                            },
                            {
                                "const": "SX"
                            },
                            {
                                "const": "SY"
                            },
                            {
                                "const": "SZ"
                            },
                            {
                                "const": "TC"
                            },
                            {
                                "const": "TD"
                            },
                            {
                                "const": "TF"
                            },
                            {
                                "const": "TG"
                            },
                            {
                                "const": "TH"
                            },
                            {
                                "const": "TJ"
                            },
                            {
                                "const": "TK"
                            },
                            {
                                "const": "TL"
                            },
                            {
                                "const": "TM"
                            },
                            {
                                "const": "TN"
                            },
                            {
                                "const": "TO"
                            },
                            {
                                "const": "TR"
                            },
                            {
                                "const": "TT"
                            },
                            {
                                "const": "TV"
                            },
                            {
                                "const": "TW"
                            },
                            {
                                "const": "TZ"
                            },
                            {
                                "const": "UA"
                            },
                            {
                                "const": "UG"
                            },
                            {
                                "const": "UM"
                            },
                            {
                                "const": "US"
                            },
                            {
                                "const": "UY"
                            },
                            {
                                "const": "UZ"
                            },
                            {
                                "const": "VA"
                            },
                            {
                                "const": "VC"
                            },
                            {
                                "const": "VE"
                            },
                            {
                                "const": "VG"
                            },
                            {
                                "const": "VI"
                            },
                            {
                                "const": "VN"
                            },
                            {
                                "const": "VU"
                            },
                            {
                                "const": "WF"
                            },
                            {
                                "const": "WS"
                            },
                            {
                                "const": "YE"
                            },
                            {
                                "const": "YT"
                            },
                            {
                                "const": "ZA"
                            },
                            {
                                "const": "ZM"
                            },
                            {
                                "const": "ZW"
                            }
                        ]
                    },
                    format: {
                        oneOf: [
                            {
                                "const": "opaque"
                            },
                            {
                                "const": "sequential"
                            }
                        ]
                    },
                    generation: {
                        type: "string",
                        pattern: "^[0-9A-Z]$",
                        description: "The key-generation character: 0-9, A-Y; Z for the sequential format."
                    }
                },
                required: [
                    "tracking_number",
                    "valid",
                    "origin_country_id",
                    "format",
                    "generation"
                ],
                description: "GET /tracking-numbers/{number}: what a well-formed number tells without the\nkey. Not whether it was ever issued: any well-formed number with a matching\ncheck character is `valid`, issued or not (operators holding the key can\ndecode it: tracknum decode)."
            },
            Health: {
                type: "object",
                properties: {
                    status: {
                        "const": "ok"
                    }
                },
                required: [
                    "status"
                ]
            },
            Ready: {
                type: "object",
                properties: {
                    status: {
                        "const": "ready"
                    },
                    node_id: {
                        type: "integer",
                        minimum: 0,
                        maximum: 4095
                    },
                    issuing_seconds_left: {
                        type: "integer",
                        minimum: 0,
                        description: "Seconds this instance can go on issuing with no more seconds reserved (etcd unreachable)."
                    }
                },
                required: [
                    "status",
                    "node_id",
                    "issuing_seconds_left"
                ]
            },
            NotReady: {
                type: "object",
                properties: {
                    status: {
                        "const": "not-ready"
                    },
                    reason: {
                        type: "string",
                        description: "Why load balancers should send this instance nothing now."
                    }
                },
                required: [
                    "status",
                    "reason"
                ]
            },
            Problems: {
                type: "object",
                properties: {
                    INVALID_PARAMETERS: {
                        $ref: "#/components/schemas/ProblemINVALID_PARAMETERS"
                    },
                    INVALID_BODY: {
                        $ref: "#/components/schemas/ProblemINVALID_BODY"
                    },
                    MALFORMED_JSON: {
                        $ref: "#/components/schemas/ProblemMALFORMED_JSON"
                    },
                    UNSUPPORTED_MEDIA_TYPE: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:unsupported-media-type",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 415
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "UNSUPPORTED_MEDIA_TYPE"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    CONTENT_TOO_LARGE: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:content-too-large",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 413
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "CONTENT_TOO_LARGE"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    BODY_TIMEOUT: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:body-timeout",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 408
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "BODY_TIMEOUT"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    BODY_BUDGET_EXHAUSTED: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:body-budget-exhausted",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 503
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "BODY_BUDGET_EXHAUSTED"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    MALFORMED_TRACKING_NUMBER: {
                        $ref: "#/components/schemas/ProblemMALFORMED_TRACKING_NUMBER"
                    },
                    CHECK_CHARACTER_MISMATCH: {
                        $ref: "#/components/schemas/ProblemCHECK_CHARACTER_MISMATCH"
                    },
                    NOT_FOUND: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:not-found",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 404
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "NOT_FOUND"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    METHOD_NOT_ALLOWED: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:method-not-allowed",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 405
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "METHOD_NOT_ALLOWED"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    URI_TOO_LONG: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:uri-too-long",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 414
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "URI_TOO_LONG"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    HEADERS_TOO_LARGE: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:headers-too-large",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 431
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "HEADERS_TOO_LARGE"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    NOT_ISSUING: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:not-issuing",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 503
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "NOT_ISSUING"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    UNAUTHORIZED: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:unauthorized",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 401
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "UNAUTHORIZED"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    FORBIDDEN: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:forbidden",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 403
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "FORBIDDEN"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    QUOTA_EXCEEDED: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:quota-exceeded",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 429
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "QUOTA_EXCEEDED"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    },
                    INTERNAL: {
                        type: "object",
                        properties: {
                            type: {
                                "const": "urn:tracknum:problem:internal",
                                description: "urn:tracknum:problem: and the code in kebab case: stable."
                            },
                            title: {
                                type: "string",
                                description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                            },
                            status: {
                                "const": 500
                            },
                            detail: {
                                type: "string",
                                maxLength: 1000,
                                description: "For humans; may be reworded. At most 1,000 characters."
                            },
                            code: {
                                "const": "INTERNAL"
                            }
                        },
                        required: [
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code"
                        ]
                    }
                },
                required: [
                    "INVALID_PARAMETERS",
                    "INVALID_BODY",
                    "MALFORMED_JSON",
                    "UNSUPPORTED_MEDIA_TYPE",
                    "CONTENT_TOO_LARGE",
                    "BODY_TIMEOUT",
                    "BODY_BUDGET_EXHAUSTED",
                    "MALFORMED_TRACKING_NUMBER",
                    "CHECK_CHARACTER_MISMATCH",
                    "NOT_FOUND",
                    "METHOD_NOT_ALLOWED",
                    "URI_TOO_LONG",
                    "HEADERS_TOO_LARGE",
                    "NOT_ISSUING",
                    "UNAUTHORIZED",
                    "FORBIDDEN",
                    "QUOTA_EXCEEDED",
                    "INTERNAL"
                ],
                description: "Every problem, by code."
            },
            ProblemINVALID_PARAMETERS: {
                type: "object",
                properties: {
                    type: {
                        "const": "urn:tracknum:problem:invalid-parameters",
                        description: "urn:tracknum:problem: and the code in kebab case: stable."
                    },
                    title: {
                        type: "string",
                        description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                    },
                    status: {
                        "const": 400
                    },
                    detail: {
                        type: "string",
                        maxLength: 1000,
                        description: "For humans; may be reworded. At most 1,000 characters."
                    },
                    code: {
                        "const": "INVALID_PARAMETERS"
                    },
                    errors: {
                        type: "array",
                        items: {
                            $ref: "#/components/schemas/ParameterProblem"
                        },
                        minItems: 1,
                        maxItems: 100,
                        description: "One per offending parameter, in the order of the parameters: the first 100 at most (and within the answer's 64 KiB)."
                    },
                    errors_not_listed: {
                        type: "integer",
                        minimum: 1,
                        description: "Present when more problems were found than `errors` lists: how many it leaves out."
                    }
                },
                required: [
                    "type",
                    "title",
                    "status",
                    "detail",
                    "code",
                    "errors"
                ],
                description: "An RFC 9457 problem document of one error code."
            },
            ParameterProblem: {
                type: "object",
                properties: {
                    parameter: {
                        type: "string"
                    },
                    detail: {
                        type: "string",
                        description: "What is wrong and what is expected, for humans."
                    },
                    value: {
                        type: "string",
                        description: "The value as received after decoding (still encoded if it could not be decoded), at most 100 characters."
                    }
                },
                required: [
                    "parameter",
                    "detail"
                ]
            },
            ProblemINVALID_BODY: {
                type: "object",
                properties: {
                    type: {
                        "const": "urn:tracknum:problem:invalid-body",
                        description: "urn:tracknum:problem: and the code in kebab case: stable."
                    },
                    title: {
                        type: "string",
                        description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                    },
                    status: {
                        "const": 400
                    },
                    detail: {
                        type: "string",
                        maxLength: 1000,
                        description: "For humans; may be reworded. At most 1,000 characters."
                    },
                    code: {
                        "const": "INVALID_BODY"
                    },
                    errors: {
                        type: "array",
                        items: {
                            $ref: "#/components/schemas/BodyProblem"
                        },
                        minItems: 1,
                        maxItems: 100,
                        description: "The problems of the body, each at its JSON Pointer: the first 100 at most (and within the answer's 64 KiB)."
                    },
                    errors_not_listed: {
                        type: "integer",
                        minimum: 1,
                        description: "Present when more problems were found than `errors` lists: how many it leaves out (reading stops at the 1,001st order or the 10,001st number: what follows is not counted)."
                    }
                },
                required: [
                    "type",
                    "title",
                    "status",
                    "detail",
                    "code",
                    "errors"
                ],
                description: "An RFC 9457 problem document of one error code."
            },
            BodyProblem: {
                type: "object",
                properties: {
                    pointer: {
                        type: "string",
                        description: "RFC 6901 JSON Pointer to the offending value in the body (\"\" for the body itself; a member whose name is over 100 characters is located at its object)."
                    },
                    detail: {
                        type: "string",
                        description: "What is wrong and what is expected, for humans."
                    },
                    value: {
                        type: "string",
                        maxLength: 100,
                        description: "The value as received, at most 100 characters: a JSON string's content, or a JSON number's text as written, as a string (0 gives \"0\", 12.50 gives \"12.50\"); absent for other types."
                    }
                },
                required: [
                    "pointer",
                    "detail"
                ]
            },
            ProblemMALFORMED_JSON: {
                type: "object",
                properties: {
                    type: {
                        "const": "urn:tracknum:problem:malformed-json",
                        description: "urn:tracknum:problem: and the code in kebab case: stable."
                    },
                    title: {
                        type: "string",
                        description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                    },
                    status: {
                        "const": 400
                    },
                    detail: {
                        type: "string",
                        maxLength: 1000,
                        description: "For humans; may be reworded. At most 1,000 characters."
                    },
                    code: {
                        "const": "MALFORMED_JSON"
                    },
                    offset: {
                        type: "integer",
                        minimum: 0,
                        description: "Where the JSON went wrong: a character offset in the body (absent when the body is not UTF-8)."
                    }
                },
                required: [
                    "type",
                    "title",
                    "status",
                    "detail",
                    "code"
                ],
                description: "An RFC 9457 problem document of one error code."
            },
            ProblemMALFORMED_TRACKING_NUMBER: {
                type: "object",
                properties: {
                    type: {
                        "const": "urn:tracknum:problem:malformed-tracking-number",
                        description: "urn:tracknum:problem: and the code in kebab case: stable."
                    },
                    title: {
                        type: "string",
                        description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                    },
                    status: {
                        "const": 400
                    },
                    detail: {
                        type: "string",
                        maxLength: 1000,
                        description: "For humans; may be reworded. At most 1,000 characters."
                    },
                    code: {
                        "const": "MALFORMED_TRACKING_NUMBER"
                    },
                    reason: {
                        oneOf: [
                            {
                                "const": "length"
                            },
                            {
                                "const": "characters"
                            },
                            {
                                "const": "country"
                            }
                        ]
                    },
                    tracking_number: {
                        type: "string",
                        maxLength: 64
                    }
                },
                required: [
                    "type",
                    "title",
                    "status",
                    "detail",
                    "code",
                    "reason",
                    "tracking_number"
                ],
                description: "An RFC 9457 problem document of one error code."
            },
            ProblemCHECK_CHARACTER_MISMATCH: {
                type: "object",
                properties: {
                    type: {
                        "const": "urn:tracknum:problem:check-character-mismatch",
                        description: "urn:tracknum:problem: and the code in kebab case: stable."
                    },
                    title: {
                        type: "string",
                        description: "The error in a few words, for humans: may be reworded (match on `code` or `type`)."
                    },
                    status: {
                        "const": 422
                    },
                    detail: {
                        type: "string",
                        maxLength: 1000,
                        description: "For humans; may be reworded. At most 1,000 characters."
                    },
                    code: {
                        "const": "CHECK_CHARACTER_MISMATCH"
                    },
                    reason: {
                        "const": "check-character"
                    },
                    tracking_number: {
                        type: "string",
                        maxLength: 64
                    }
                },
                required: [
                    "type",
                    "title",
                    "status",
                    "detail",
                    "code",
                    "reason",
                    "tracking_number"
                ],
                description: "An RFC 9457 problem document of one error code."
            }
        }
    },
    schemas: [
        {
            $ref: "#/components/schemas/Issued"
        },
        {
            $ref: "#/components/schemas/BatchRequest"
        },
        {
            $ref: "#/components/schemas/BatchIssued"
        },
        {
            $ref: "#/components/schemas/Lookup"
        },
        {
            $ref: "#/components/schemas/Health"
        },
        {
            $ref: "#/components/schemas/Ready"
        },
        {
            $ref: "#/components/schemas/NotReady"
        },
        {
            $ref: "#/components/schemas/Problems"
        }
    ]
} as import("typia").IJsonSchemaCollection<"3.1">;
