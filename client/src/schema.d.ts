// Generated from client/openapi.json by scripts/emit-openapi.ts (npm run build:client): do not edit.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: the process is up and its database answers
         * @description Ready answers may carry `details.skippedRepairs`: rows a start-up repair could not finish (the log names them; `ovation audit` reports them).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                            details?: {
                                /** @description Rows a start-up repair skipped: the server serves, but an operator should look. */
                                skippedRepairs: {
                                    /** @description The start-up repair, such as account_closures or payment_records. */
                                    repair: string;
                                    /** @description Items it could not repair; the log names each, and `ovation audit` reports them. */
                                    items: number;
                                }[];
                            };
                        };
                    };
                };
                /** @description Every error the API returns has this shape. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description Error category, such as invalid_request_error or api_error. */
                                type: string;
                                /** @description A stable, machine-readable error code, such as insufficient_funds. */
                                code: string;
                                /** @description A human-readable explanation. */
                                message: string;
                                /** @description The request field at fault, such as `email`, when one field caused the error. */
                                param?: string;
                                /** @description For a spending limit or budget: when it resets (ISO 8601, UTC). */
                                resetsAt?: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account; a confirmation link is mailed */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: email
                         * @description An email address.
                         */
                        email: string;
                        password: string;
                        displayName: string;
                        /** @description Date of birth, YYYY-MM-DD. */
                        birthDate: string;
                        /** @description ISO 3166-1 alpha-2 region code, such as US or KR. */
                        region?: string;
                        /** @description 3 to 24 lower-case letters, digits and underscores, starting with a letter. */
                        handle?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A user account as its owner and admins see it. */
                            user: {
                                id: string;
                                email: string;
                                emailVerified: boolean;
                                handle: string;
                                displayName: string;
                                region: string;
                                birthDate: string | null;
                                /** @description Adults in their region may buy coins, send and receive gifts and go live. */
                                isAdult: boolean;
                                roles: ("viewer" | "creator" | "admin")[];
                                twoFactorEnabled: boolean;
                                creatorApplication: {
                                    status: string;
                                    reason: string | null;
                                } | null;
                                restrictions: {
                                    kind: "spending" | "gifting" | "live" | "cashout";
                                    reason: string;
                                    since: string;
                                }[];
                                closed: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in; answers a bearer token and sets the same session as a cookie
         * @description With two-factor on, send `totp` (or `recoveryCode`); without it the answer is 401 `two_factor_required`. Ten wrong passwords in a row lock the account (429 with Retry-After).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: email
                         * @description An email address.
                         */
                        email: string;
                        password: string;
                        totp?: string;
                        recoveryCode?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            token: string;
                            csrfToken: string;
                            expiresAt: string;
                            /** @description A user account as its owner and admins see it. */
                            user: {
                                id: string;
                                email: string;
                                emailVerified: boolean;
                                handle: string;
                                displayName: string;
                                region: string;
                                birthDate: string | null;
                                /** @description Adults in their region may buy coins, send and receive gifts and go live. */
                                isAdult: boolean;
                                roles: ("viewer" | "creator" | "admin")[];
                                twoFactorEnabled: boolean;
                                creatorApplication: {
                                    status: string;
                                    reason: string | null;
                                } | null;
                                restrictions: {
                                    kind: "spending" | "gifting" | "live" | "cashout";
                                    reason: string;
                                    since: string;
                                }[];
                                closed: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out this session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/verify-email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm an email address with the mailed token */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A user account as its owner and admins see it. */
                            user: {
                                id: string;
                                email: string;
                                emailVerified: boolean;
                                handle: string;
                                displayName: string;
                                region: string;
                                birthDate: string | null;
                                /** @description Adults in their region may buy coins, send and receive gifts and go live. */
                                isAdult: boolean;
                                roles: ("viewer" | "creator" | "admin")[];
                                twoFactorEnabled: boolean;
                                creatorApplication: {
                                    status: string;
                                    reason: string | null;
                                } | null;
                                restrictions: {
                                    kind: "spending" | "gifting" | "live" | "cashout";
                                    reason: string;
                                    since: string;
                                }[];
                                closed: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mail a single-use password reset link (answers the same whether or not the address has an account) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: email
                         * @description An email address.
                         */
                        email: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a new password with the mailed token; signs out every session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A user account as its owner and admins see it. */
                            user: {
                                id: string;
                                email: string;
                                emailVerified: boolean;
                                handle: string;
                                displayName: string;
                                region: string;
                                birthDate: string | null;
                                /** @description Adults in their region may buy coins, send and receive gifts and go live. */
                                isAdult: boolean;
                                roles: ("viewer" | "creator" | "admin")[];
                                twoFactorEnabled: boolean;
                                creatorApplication: {
                                    status: string;
                                    reason: string | null;
                                } | null;
                                restrictions: {
                                    kind: "spending" | "gifting" | "live" | "cashout";
                                    reason: string;
                                    since: string;
                                }[];
                                closed: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the password; signs out the other sessions */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        currentPassword: string;
                        newPassword: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/email/verification": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mail a new confirmation link */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Active sessions */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            sessions: {
                                id: string;
                                ip: string;
                                userAgent: string;
                                createdAt: string;
                                lastSeenAt: string;
                                expiresAt: string;
                                current: boolean;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a session; its token stops working at once */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/two-factor/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start two-factor enrolment: a secret, its otpauth:// URL and a QR code */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            secret: string;
                            otpauthUrl: string;
                            qrCodeDataUrl: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/two-factor/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn two-factor on with a code; answers ten single-use recovery codes, shown only now; signs out the other sessions */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A 6-digit code from the authenticator app, or a recovery code. */
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            recoveryCodes: string[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/two-factor/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn two-factor off with a code or a recovery code */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A 6-digit code from the authenticator app, or a recovery code. */
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/two-factor/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Prove two-factor again in this session (a step-up), as adding a payout method and requesting a payout need
         * @description Send a current code from the authenticator app, or an unused recovery code. The session then counts as having proven two-factor until `recentUntil` (TWO_FACTOR_RECENT_MINUTES). A wrong code counts towards the sign-in lockout (400 `invalid_two_factor_code`, then 429 `account_locked`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A 6-digit code from the authenticator app, or a recovery code. */
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            verifiedAt: string;
                            recentUntil: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account activity log, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description nextCursor of the previous page. */
                    before?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            activity: {
                                id: string;
                                kind: string;
                                ip: string | null;
                                userAgent: string | null;
                                detail: {
                                    [key: string]: unknown;
                                };
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/report-unauthorized-activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Report activity that was not you: freezes spending and cash-out, signs out other sessions, opens a case */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            case: {
                                id: string;
                                userId: string;
                                kind: string;
                                status: "open" | "resolved";
                                description: string;
                                resolution: string | null;
                                resolvedBy: string | null;
                                createdAt: string;
                                resolvedAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/closure": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What closing the account would forfeit */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            coins: number;
                            diamonds: number;
                            heldDiamonds: number;
                            warnings: string[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close the account; remaining coins and diamonds are forfeited when confirmForfeit is true */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password: string;
                        confirmForfeit?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the account's own records as JSON */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/apply": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Apply to become a creator (adults who accept the creator terms) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        acceptTerms: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A user account as its owner and admins see it. */
                            user: {
                                id: string;
                                email: string;
                                emailVerified: boolean;
                                handle: string;
                                displayName: string;
                                region: string;
                                birthDate: string | null;
                                /** @description Adults in their region may buy coins, send and receive gifts and go live. */
                                isAdult: boolean;
                                roles: ("viewer" | "creator" | "admin")[];
                                twoFactorEnabled: boolean;
                                creatorApplication: {
                                    status: string;
                                    reason: string | null;
                                } | null;
                                restrictions: {
                                    kind: "spending" | "gifting" | "live" | "cashout";
                                    reason: string;
                                    since: string;
                                }[];
                                closed: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{handle}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A public profile */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    handle: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            profile: {
                                id: string;
                                handle: string;
                                displayName: string;
                                isCreator: boolean;
                                followers: number;
                                following: boolean;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{handle}/follow": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Follow a user */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    handle: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            profile: {
                                id: string;
                                handle: string;
                                displayName: string;
                                isCreator: boolean;
                                followers: number;
                                following: boolean;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /** Stop following a user */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    handle: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            profile: {
                                id: string;
                                handle: string;
                                displayName: string;
                                isCreator: boolean;
                                followers: number;
                                following: boolean;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Find users by id, or by part of an email, handle or display name */
        get: {
            parameters: {
                query?: {
                    query?: string;
                    after?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            users: {
                                id: string;
                                email: string;
                                emailVerified: boolean;
                                handle: string;
                                displayName: string;
                                region: string;
                                birthDate: string | null;
                                /** @description Adults in their region may buy coins, send and receive gifts and go live. */
                                isAdult: boolean;
                                roles: ("viewer" | "creator" | "admin")[];
                                twoFactorEnabled: boolean;
                                creatorApplication: {
                                    status: string;
                                    reason: string | null;
                                } | null;
                                restrictions: {
                                    kind: "spending" | "gifting" | "live" | "cashout";
                                    reason: string;
                                    since: string;
                                }[];
                                closed: boolean;
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One user */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A user account as its owner and admins see it. */
                            user: {
                                id: string;
                                email: string;
                                emailVerified: boolean;
                                handle: string;
                                displayName: string;
                                region: string;
                                birthDate: string | null;
                                /** @description Adults in their region may buy coins, send and receive gifts and go live. */
                                isAdult: boolean;
                                roles: ("viewer" | "creator" | "admin")[];
                                twoFactorEnabled: boolean;
                                creatorApplication: {
                                    status: string;
                                    reason: string | null;
                                } | null;
                                restrictions: {
                                    kind: "spending" | "gifting" | "live" | "cashout";
                                    reason: string;
                                    since: string;
                                }[];
                                closed: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{id}/activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user's activity log */
        get: {
            parameters: {
                query?: {
                    /** @description nextCursor of the previous page. */
                    before?: string;
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            activity: {
                                id: string;
                                kind: string;
                                ip: string | null;
                                userAgent: string | null;
                                detail: {
                                    [key: string]: unknown;
                                };
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{id}/restrictions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restrict spending, gifting, going live or cash-out; the reason is shown to the user */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        kind: "spending" | "gifting" | "live" | "cashout";
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A user account as its owner and admins see it. */
                            user: {
                                id: string;
                                email: string;
                                emailVerified: boolean;
                                handle: string;
                                displayName: string;
                                region: string;
                                birthDate: string | null;
                                /** @description Adults in their region may buy coins, send and receive gifts and go live. */
                                isAdult: boolean;
                                roles: ("viewer" | "creator" | "admin")[];
                                twoFactorEnabled: boolean;
                                creatorApplication: {
                                    status: string;
                                    reason: string | null;
                                } | null;
                                restrictions: {
                                    kind: "spending" | "gifting" | "live" | "cashout";
                                    reason: string;
                                    since: string;
                                }[];
                                closed: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{id}/restrictions/{kind}/lift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Lift a restriction */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    kind: "spending" | "gifting" | "live" | "cashout";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A user account as its owner and admins see it. */
                            user: {
                                id: string;
                                email: string;
                                emailVerified: boolean;
                                handle: string;
                                displayName: string;
                                region: string;
                                birthDate: string | null;
                                /** @description Adults in their region may buy coins, send and receive gifts and go live. */
                                isAdult: boolean;
                                roles: ("viewer" | "creator" | "admin")[];
                                twoFactorEnabled: boolean;
                                creatorApplication: {
                                    status: string;
                                    reason: string | null;
                                } | null;
                                restrictions: {
                                    kind: "spending" | "gifting" | "live" | "cashout";
                                    reason: string;
                                    since: string;
                                }[];
                                closed: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{id}/creator": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve or reject a creator application (rejecting a creator removes the role) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        approve: boolean;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A user account as its owner and admins see it. */
                            user: {
                                id: string;
                                email: string;
                                emailVerified: boolean;
                                handle: string;
                                displayName: string;
                                region: string;
                                birthDate: string | null;
                                /** @description Adults in their region may buy coins, send and receive gifts and go live. */
                                isAdult: boolean;
                                roles: ("viewer" | "creator" | "admin")[];
                                twoFactorEnabled: boolean;
                                creatorApplication: {
                                    status: string;
                                    reason: string | null;
                                } | null;
                                restrictions: {
                                    kind: "spending" | "gifting" | "live" | "cashout";
                                    reason: string;
                                    since: string;
                                }[];
                                closed: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Cases, such as reports of unauthorized activity */
        get: {
            parameters: {
                query?: {
                    status?: "open" | "resolved";
                    userId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            cases: {
                                id: string;
                                userId: string;
                                kind: string;
                                status: "open" | "resolved";
                                description: string;
                                resolution: string | null;
                                resolvedBy: string | null;
                                createdAt: string;
                                resolvedAt: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/cases/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resolve a case, optionally lifting the freeze a report put on */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        resolution: string;
                        liftFreeze: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            case: {
                                id: string;
                                userId: string;
                                kind: string;
                                status: "open" | "resolved";
                                description: string;
                                resolution: string | null;
                                resolvedBy: string | null;
                                createdAt: string;
                                resolvedAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/wallet": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user's coins (to spend) and diamonds (earned) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Coins available to spend. */
                            coins: number;
                            /** @description Diamonds available to cash out (not held by a payout). */
                            diamonds: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/wallet/transactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user's wallet history, newest first, as JSON pages or a CSV export
         * @description Lists one wallet (asset=coins or diamonds). JSON pages hold up to limit entries and a nextCursor. format=csv (or Accept: text/csv) downloads up to 10000 rows with the same filters; when more match, the response carries x-truncated: true and x-next-cursor to continue from.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Which wallet. */
                    asset?: "coins" | "diamonds";
                    /** @description Only this kind, such as coin_purchase, chargeback_clawback, coin_refund, reversal or transfer. */
                    kind?: string;
                    /** @description Only transactions at or after this time: an ISO date (midnight UTC, such as 2026-03-01) or a date-time with a time zone (2026-03-01T09:30:00+09:00). */
                    from?: string;
                    /** @description Only transactions before this time: an ISO date (midnight UTC, such as 2026-03-01) or a date-time with a time zone (2026-03-01T09:30:00+09:00). */
                    to?: string;
                    /** @description Page size (JSON only). */
                    limit?: number;
                    /** @description nextCursor of the previous page. */
                    cursor?: string;
                    /** @description csv is an export of up to 10000 rows that ignores limit. Left out: csv when the Accept header names text/csv, else json. */
                    format?: "json" | "csv";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            transactions: {
                                /** @description The ledger transfer id. A hold keeps its id when it is posted or voided. */
                                id: string;
                                /** @description When the transfer was written (for a hold: placed), ISO 8601 UTC. */
                                at: string;
                                /** @description pending: reserved by a hold, not yet moved. */
                                status: "pending" | "posted" | "voided";
                                /** @description coin_purchase, chargeback_clawback, coin_refund, …; reversal or transfer when the transfer names no kind. */
                                kind: string;
                                /** @description credit: into the wallet; debit: out of it. */
                                direction: "credit" | "debit";
                                /** @description Whole coins or diamonds moved in or out of this wallet. */
                                amount: number;
                                description: string;
                                reference: {
                                    /** @description The coin order this transaction belongs to. */
                                    orderId?: string;
                                    /** @description The transfer this one reverses. */
                                    reversesTransferId?: string;
                                };
                                /** @description For gifts, paid messages, cheers, subscriptions and paid content: the creator paid (a debit) or the payer (a credit). */
                                counterparty?: {
                                    userId: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description For a gift: which, and how many. */
                                gift?: {
                                    id: string;
                                    name: string;
                                    /** @description Gifts in this one send. */
                                    quantity: number;
                                };
                            }[];
                            nextCursor: string | null;
                        };
                        "text/csv": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/store/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Coin packages on sale, priced in the region's currency
         * @description Without `region`, prices are for the operator's default region (US unless configured); send the signed-in user's region from GET /api/v1/me. `channel` is web (default) or app. `custom` describes any-amount purchases, offered on the web only.
         */
        get: {
            parameters: {
                query?: {
                    /** @description ISO 3166-1 alpha-2 region code of the buyer, such as US or DE; it decides the currency. */
                    region?: string;
                    /** @description web (the web store) or app (in-app purchase, priced higher to cover the app store fee). */
                    channel?: "web" | "app";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            packages: {
                                id: string;
                                /** @description Coins the package buys. */
                                coins: number;
                                /** @description Extra coins included in the package. */
                                bonusCoins: number;
                                /** @description An amount of money. */
                                price: {
                                    /** @description In the currency's minor unit: 499 USD is $4.99; 160 JPY is ¥160. */
                                    amount: number;
                                    /** @description ISO 4217 code. */
                                    currency: string;
                                };
                            }[];
                            region: string;
                            /** @description web (the web store) or app (in-app purchase, priced higher to cover the app store fee). */
                            channel: "web" | "app";
                            currency: string;
                            custom: {
                                minCoins: number;
                                maxCoins: number;
                                /** @description Price of one coin in millionths of the currency's major unit (10500 USD is $0.0105). A purchase of n coins costs ceil(n × micros × 10^minorDigits / 10^6) minor units; GET /api/v1/store/custom-price quotes it. */
                                pricePerCoinMicros: number;
                                currency: string;
                            } | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/store/custom-price": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The price of a custom number of coins on the web */
        get: {
            parameters: {
                query: {
                    /** @description Coins to buy. */
                    customCoins: number;
                    /** @description ISO 3166-1 alpha-2 region code of the buyer, such as US or DE; it decides the currency. */
                    region?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            coins: number;
                            /** @description An amount of money. */
                            price: {
                                /** @description In the currency's minor unit: 499 USD is $4.99; 160 JPY is ¥160. */
                                amount: number;
                                /** @description ISO 4217 code. */
                                currency: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/store/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every coin package, enabled or not, with all its prices */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            packages: {
                                id: string;
                                /** @description web (the web store) or app (in-app purchase, priced higher to cover the app store fee). */
                                channel: "web" | "app";
                                coins: number;
                                bonusCoins: number;
                                /** @description Orders packages with the same number of coins. */
                                sortOrder: number;
                                enabled: boolean;
                                /** @description Minor units by ISO 4217 code. */
                                prices: {
                                    [key: string]: number;
                                };
                                /** @description Store currencies without a price: the package is not shown to buyers paying in them. */
                                missingCurrencies: string[];
                                createdAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/store/packages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create a coin package, or change the fields given
         * @description Creating needs `channel`, `coins` and a price in every store currency. An update changes only the fields sent; `prices` adds or replaces the currencies given. A package's channel cannot change. Answers 201 on creation.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description web (the web store) or app (in-app purchase, priced higher to cover the app store fee). */
                        channel?: "web" | "app";
                        /** @description Coins the package buys, at least 1. */
                        coins?: number;
                        /** @description Extra coins included, 0 or more. */
                        bonusCoins?: number;
                        sortOrder?: number;
                        enabled?: boolean;
                        /** @description Minor units by ISO 4217 code, such as { "USD": 499, "JPY": 800 }. */
                        prices?: {
                            [key: string]: number;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            package: {
                                id: string;
                                /** @description web (the web store) or app (in-app purchase, priced higher to cover the app store fee). */
                                channel: "web" | "app";
                                coins: number;
                                bonusCoins: number;
                                /** @description Orders packages with the same number of coins. */
                                sortOrder: number;
                                enabled: boolean;
                                /** @description Minor units by ISO 4217 code. */
                                prices: {
                                    [key: string]: number;
                                };
                                /** @description Store currencies without a price: the package is not shown to buyers paying in them. */
                                missingCurrencies: string[];
                                createdAt: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            package: {
                                id: string;
                                /** @description web (the web store) or app (in-app purchase, priced higher to cover the app store fee). */
                                channel: "web" | "app";
                                coins: number;
                                bonusCoins: number;
                                /** @description Orders packages with the same number of coins. */
                                sortOrder: number;
                                enabled: boolean;
                                /** @description Minor units by ISO 4217 code. */
                                prices: {
                                    [key: string]: number;
                                };
                                /** @description Store currencies without a price: the package is not shown to buyers paying in them. */
                                missingCurrencies: string[];
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/store/packages/{id}/enabled": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Put a coin package on sale, or take it off sale */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            package: {
                                id: string;
                                /** @description web (the web store) or app (in-app purchase, priced higher to cover the app store fee). */
                                channel: "web" | "app";
                                coins: number;
                                bonusCoins: number;
                                /** @description Orders packages with the same number of coins. */
                                sortOrder: number;
                                enabled: boolean;
                                /** @description Minor units by ISO 4217 code. */
                                prices: {
                                    [key: string]: number;
                                };
                                /** @description Store currencies without a price: the package is not shown to buyers paying in them. */
                                missingCurrencies: string[];
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/store/promotions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every store promotion */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            promotions: {
                                id: string;
                                kind: "first_purchase" | "seasonal";
                                bonusPercent: number;
                                startsAt: string | null;
                                endsAt: string | null;
                                /** @description Regions the promotion applies in; empty for all. */
                                regions: string[];
                                maxUsesPerUser: number | null;
                                enabled: boolean;
                                createdAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/store/promotions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create a store promotion, or change the fields given
         * @description Creating needs `kind` and `bonusPercent` (1 to 500); a seasonal promotion also needs `startsAt` and `endsAt`. An update changes only the fields sent; a promotion's kind cannot change. Answers 201 on creation.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        kind?: "first_purchase" | "seasonal";
                        /** @description Bonus coins as a percentage of the coins bought, rounded down. */
                        bonusPercent?: number;
                        /** @description ISO 8601 instant with a zone, such as 2026-12-01T00:00:00Z, or a date (00:00 UTC); null clears it. */
                        startsAt?: string | null;
                        /** @description ISO 8601 instant with a zone, such as 2026-12-01T00:00:00Z, or a date (00:00 UTC); null clears it. */
                        endsAt?: string | null;
                        /** @description Region codes; empty for every region. */
                        regions?: string[];
                        /** @description Times one user may receive it; null for no limit. */
                        maxUsesPerUser?: number | null;
                        enabled?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            promotion: {
                                id: string;
                                kind: "first_purchase" | "seasonal";
                                bonusPercent: number;
                                startsAt: string | null;
                                endsAt: string | null;
                                /** @description Regions the promotion applies in; empty for all. */
                                regions: string[];
                                maxUsesPerUser: number | null;
                                enabled: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            promotion: {
                                id: string;
                                kind: "first_purchase" | "seasonal";
                                bonusPercent: number;
                                startsAt: string | null;
                                endsAt: string | null;
                                /** @description Regions the promotion applies in; empty for all. */
                                regions: string[];
                                maxUsesPerUser: number | null;
                                enabled: boolean;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/gifts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Gifts offered in a region, cheapest first
         * @description Without `region`, the signed-in caller's region, or the operator's default region (US unless configured) for anonymous callers.
         */
        get: {
            parameters: {
                query?: {
                    /** @description ISO 3166-1 alpha-2 region code of the viewer, such as US or KR. */
                    region?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            gifts: {
                                /** @description Such as gift_rose. */
                                id: string;
                                name: string;
                                /** @description Price of one gift, in coins. */
                                coins: number;
                                /** @description How big the room shows the gift: small, medium, large or fullscreen. */
                                tier: "small" | "medium" | "large" | "fullscreen";
                                /** @description True when repeats of the gift count as one streak (a combo). */
                                streakable: boolean;
                                /** @description An emoji, or a URL path to an image. */
                                icon: string;
                                /** @description True when only viewers with a subscription to the receiving creator may send it (others: 403 subscribers_only_gift). */
                                subscribersOnly: boolean;
                            }[];
                            /** @description The region the list is for. */
                            region: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/gifts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every gift, with its status and regions */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            gifts: {
                                /** @description Such as gift_rose. */
                                id: string;
                                name: string;
                                /** @description Price of one gift, in coins. */
                                coins: number;
                                /** @description How big the room shows the gift: small, medium, large or fullscreen. */
                                tier: "small" | "medium" | "large" | "fullscreen";
                                /** @description True when repeats of the gift count as one streak (a combo). */
                                streakable: boolean;
                                /** @description An emoji, or a URL path to an image. */
                                icon: string;
                                /** @description True when only viewers with a subscription to the receiving creator may send it (others: 403 subscribers_only_gift). */
                                subscribersOnly: boolean;
                                /** @description enabled (offered), disabled (hidden for now) or retired (never offered again; kept for history). Retired is final. */
                                status: "enabled" | "disabled" | "retired";
                                /** @description Region codes the gift is offered in; empty for every region. */
                                regions: string[];
                                /** @description Orders gifts of the same price. */
                                sortOrder: number;
                                createdAt: string;
                                updatedAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/gifts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create a gift, or change the fields given
         * @description Creating needs `name`, `coins`, `icon` and `tier`; a new gift is enabled unless `status` says otherwise. An update changes only the fields sent. A retired gift cannot be enabled or disabled again. A `subscribersOnly` gift is sent only by viewers with a subscription to the receiving creator. Answers 201 on creation.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description 1 to 40 characters. */
                        name?: string;
                        /** @description Price of one gift, in coins: 1 to 1,000,000. */
                        coins?: number;
                        /** @description An emoji, or a URL path to an image such as /gifts/rose.png; up to 200 characters. */
                        icon?: string;
                        /** @description How big the room shows the gift: small, medium, large or fullscreen. */
                        tier?: "small" | "medium" | "large" | "fullscreen";
                        streakable?: boolean;
                        /** @description Only viewers with a subscription to the receiving creator may send it; false by default. */
                        subscribersOnly?: boolean;
                        /** @description Region codes; empty for every region. */
                        regions?: string[];
                        sortOrder?: number;
                        /** @description enabled (offered), disabled (hidden for now) or retired (never offered again; kept for history). Retired is final. */
                        status?: "enabled" | "disabled" | "retired";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            gift: {
                                /** @description Such as gift_rose. */
                                id: string;
                                name: string;
                                /** @description Price of one gift, in coins. */
                                coins: number;
                                /** @description How big the room shows the gift: small, medium, large or fullscreen. */
                                tier: "small" | "medium" | "large" | "fullscreen";
                                /** @description True when repeats of the gift count as one streak (a combo). */
                                streakable: boolean;
                                /** @description An emoji, or a URL path to an image. */
                                icon: string;
                                /** @description True when only viewers with a subscription to the receiving creator may send it (others: 403 subscribers_only_gift). */
                                subscribersOnly: boolean;
                                /** @description enabled (offered), disabled (hidden for now) or retired (never offered again; kept for history). Retired is final. */
                                status: "enabled" | "disabled" | "retired";
                                /** @description Region codes the gift is offered in; empty for every region. */
                                regions: string[];
                                /** @description Orders gifts of the same price. */
                                sortOrder: number;
                                createdAt: string;
                                updatedAt: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            gift: {
                                /** @description Such as gift_rose. */
                                id: string;
                                name: string;
                                /** @description Price of one gift, in coins. */
                                coins: number;
                                /** @description How big the room shows the gift: small, medium, large or fullscreen. */
                                tier: "small" | "medium" | "large" | "fullscreen";
                                /** @description True when repeats of the gift count as one streak (a combo). */
                                streakable: boolean;
                                /** @description An emoji, or a URL path to an image. */
                                icon: string;
                                /** @description True when only viewers with a subscription to the receiving creator may send it (others: 403 subscribers_only_gift). */
                                subscribersOnly: boolean;
                                /** @description enabled (offered), disabled (hidden for now) or retired (never offered again; kept for history). Retired is final. */
                                status: "enabled" | "disabled" | "retired";
                                /** @description Region codes the gift is offered in; empty for every region. */
                                regions: string[];
                                /** @description Orders gifts of the same price. */
                                sortOrder: number;
                                createdAt: string;
                                updatedAt: string;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/gifts/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enable, disable or retire a gift
         * @description Retiring is final: a retired gift is never offered again (409 gift_retired), but stays in history.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description enabled (offered), disabled (hidden for now) or retired (never offered again; kept for history). Retired is final. */
                        status: "enabled" | "disabled" | "retired";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            gift: {
                                /** @description Such as gift_rose. */
                                id: string;
                                name: string;
                                /** @description Price of one gift, in coins. */
                                coins: number;
                                /** @description How big the room shows the gift: small, medium, large or fullscreen. */
                                tier: "small" | "medium" | "large" | "fullscreen";
                                /** @description True when repeats of the gift count as one streak (a combo). */
                                streakable: boolean;
                                /** @description An emoji, or a URL path to an image. */
                                icon: string;
                                /** @description True when only viewers with a subscription to the receiving creator may send it (others: 403 subscribers_only_gift). */
                                subscribersOnly: boolean;
                                /** @description enabled (offered), disabled (hidden for now) or retired (never offered again; kept for history). Retired is final. */
                                status: "enabled" | "disabled" | "retired";
                                /** @description Region codes the gift is offered in; empty for every region. */
                                regions: string[];
                                /** @description Orders gifts of the same price. */
                                sortOrder: number;
                                createdAt: string;
                                updatedAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/creators/{id}/tier": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set a creator's tier, which decides their share of gifts, paid messages and cheers
         * @description The tier is `standard` (GIFT_DIAMOND_SHARE_PERCENT) or one of GIFT_CREATOR_TIER_SHARES; it applies to payments made from now on. 404 user_not_found for an unknown user; 400 unknown_tier naming the configured tiers.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        tier: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            creator: {
                                userId: string;
                                /** @description standard, or a tier of GIFT_CREATOR_TIER_SHARES. */
                                tier: string;
                                /** @description The creator's share of the coins paid to them, in percent, on this tier. */
                                diamondSharePercent: number;
                                updatedAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lives, newest first
         * @description status=live for the lives on air now. Page with `after`: the `nextCursor` of the previous page.
         */
        get: {
            parameters: {
                query?: {
                    /** @description live (on air) or ended (final). */
                    status?: "live" | "ended";
                    limit?: number;
                    after?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            lives: {
                                /** @description Such as live_3k9x…. */
                                id: string;
                                title: string;
                                /** @description live (on air) or ended (final). */
                                status: "live" | "ended";
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Where viewers play the stream, such as an HLS playlist; null when the creator gave none. */
                                playbackUrl: string | null;
                                /** @description Viewers in the room as last counted; 0 once ended. */
                                viewers: number;
                                /** @description Most viewers at once. */
                                peakViewers: number;
                                startedAt: string;
                                endedAt: string | null;
                                /** @description Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live. */
                                endReason: "creator" | "admin" | "creator_gone" | null;
                                chatMode: {
                                    /** @description Only the creator, admins and viewers with a subscription to the creator may chat. */
                                    subscribersOnly: boolean;
                                };
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Go live
         * @description Creators only; minors and creators restricted from going live are refused (403). A creator has one live at a time: while one is on, this answers 409 already_live naming it. Keep the live on with POST /api/v1/lives/:id/heartbeat: a live without a heartbeat for LIVE_CREATOR_TIMEOUT_MS (a minute by default) ends by itself.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description 1 to 100 characters; spaces around it are dropped. */
                        title: string;
                        /** @description Where viewers play the stream: an http or https URL of at most 500 characters, such as https://cdn.example.com/live/index.m3u8. */
                        playbackUrl?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A creator's broadcast, from going live to its end. */
                            live: {
                                /** @description Such as live_3k9x…. */
                                id: string;
                                title: string;
                                /** @description live (on air) or ended (final). */
                                status: "live" | "ended";
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Where viewers play the stream, such as an HLS playlist; null when the creator gave none. */
                                playbackUrl: string | null;
                                /** @description Viewers in the room as last counted; 0 once ended. */
                                viewers: number;
                                /** @description Most viewers at once. */
                                peakViewers: number;
                                startedAt: string;
                                endedAt: string | null;
                                /** @description Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live. */
                                endReason: "creator" | "admin" | "creator_gone" | null;
                                chatMode: {
                                    /** @description Only the creator, admins and viewers with a subscription to the creator may chat. */
                                    subscribersOnly: boolean;
                                };
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One live */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A creator's broadcast, from going live to its end. */
                            live: {
                                /** @description Such as live_3k9x…. */
                                id: string;
                                title: string;
                                /** @description live (on air) or ended (final). */
                                status: "live" | "ended";
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Where viewers play the stream, such as an HLS playlist; null when the creator gave none. */
                                playbackUrl: string | null;
                                /** @description Viewers in the room as last counted; 0 once ended. */
                                viewers: number;
                                /** @description Most viewers at once. */
                                peakViewers: number;
                                startedAt: string;
                                endedAt: string | null;
                                /** @description Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live. */
                                endReason: "creator" | "admin" | "creator_gone" | null;
                                chatMode: {
                                    /** @description Only the creator, admins and viewers with a subscription to the creator may chat. */
                                    subscribersOnly: boolean;
                                };
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How a live went: duration, peak viewers and gifts
         * @description While the live is on, the duration runs to now.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            summary: {
                                liveId: string;
                                title: string;
                                /** @description live (on air) or ended (final). */
                                status: "live" | "ended";
                                startedAt: string;
                                endedAt: string | null;
                                /** @description Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live. */
                                endReason: "creator" | "admin" | "creator_gone" | null;
                                /** @description From start to end (or to now while live), in whole seconds. */
                                durationSeconds: number;
                                peakViewers: number;
                                /** @description Gifts sent in the live; present when the gifts module reports them. */
                                gifts?: {
                                    giftCount: number;
                                    /** @description Coins viewers spent on gifts in this live. */
                                    coins: number;
                                    /** @description Diamonds the creator earned from them. */
                                    diamonds: number;
                                    /** @description Biggest gifters by coins spent, biggest first. */
                                    topGifters: {
                                        userId: string;
                                        handle: string;
                                        displayName: string;
                                        coins: number;
                                    }[];
                                };
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/heartbeat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Tell the server you are still live
         * @description Send one every few seconds while broadcasting. 409 live_ended once the live is over (including when it ended for lack of heartbeats).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A creator's broadcast, from going live to its end. */
                            live: {
                                /** @description Such as live_3k9x…. */
                                id: string;
                                title: string;
                                /** @description live (on air) or ended (final). */
                                status: "live" | "ended";
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Where viewers play the stream, such as an HLS playlist; null when the creator gave none. */
                                playbackUrl: string | null;
                                /** @description Viewers in the room as last counted; 0 once ended. */
                                viewers: number;
                                /** @description Most viewers at once. */
                                peakViewers: number;
                                startedAt: string;
                                endedAt: string | null;
                                /** @description Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live. */
                                endReason: "creator" | "admin" | "creator_gone" | null;
                                chatMode: {
                                    /** @description Only the creator, admins and viewers with a subscription to the creator may chat. */
                                    subscribersOnly: boolean;
                                };
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/end": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End your live
         * @description Only the live's creator (others: 403 not_your_live). Ending an ended live answers it unchanged.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A creator's broadcast, from going live to its end. */
                            live: {
                                /** @description Such as live_3k9x…. */
                                id: string;
                                title: string;
                                /** @description live (on air) or ended (final). */
                                status: "live" | "ended";
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Where viewers play the stream, such as an HLS playlist; null when the creator gave none. */
                                playbackUrl: string | null;
                                /** @description Viewers in the room as last counted; 0 once ended. */
                                viewers: number;
                                /** @description Most viewers at once. */
                                peakViewers: number;
                                startedAt: string;
                                endedAt: string | null;
                                /** @description Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live. */
                                endReason: "creator" | "admin" | "creator_gone" | null;
                                chatMode: {
                                    /** @description Only the creator, admins and viewers with a subscription to the creator may chat. */
                                    subscribersOnly: boolean;
                                };
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/chat-mode": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set your live's chat mode
         * @description With `subscribersOnly: true`, only viewers whose subscription to the creator gives access now may chat (others are refused with `subscribers_only`); the creator and admins always may. The room hears of it at once (a `chat_mode` event) and every welcome carries it. Only the live's creator, or an admin signed in with two-factor (others: 403 not_your_live); 409 live_ended once over.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Only the creator, admins and viewers with a subscription to the creator may chat. */
                        subscribersOnly: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A creator's broadcast, from going live to its end. */
                            live: {
                                /** @description Such as live_3k9x…. */
                                id: string;
                                title: string;
                                /** @description live (on air) or ended (final). */
                                status: "live" | "ended";
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Where viewers play the stream, such as an HLS playlist; null when the creator gave none. */
                                playbackUrl: string | null;
                                /** @description Viewers in the room as last counted; 0 once ended. */
                                viewers: number;
                                /** @description Most viewers at once. */
                                peakViewers: number;
                                startedAt: string;
                                endedAt: string | null;
                                /** @description Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live. */
                                endReason: "creator" | "admin" | "creator_gone" | null;
                                chatMode: {
                                    /** @description Only the creator, admins and viewers with a subscription to the creator may chat. */
                                    subscribersOnly: boolean;
                                };
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/lives/{id}/end": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End anyone's live
         * @description The live ends with endReason admin. Ending an ended live answers it unchanged.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A creator's broadcast, from going live to its end. */
                            live: {
                                /** @description Such as live_3k9x…. */
                                id: string;
                                title: string;
                                /** @description live (on air) or ended (final). */
                                status: "live" | "ended";
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Where viewers play the stream, such as an HLS playlist; null when the creator gave none. */
                                playbackUrl: string | null;
                                /** @description Viewers in the room as last counted; 0 once ended. */
                                viewers: number;
                                /** @description Most viewers at once. */
                                peakViewers: number;
                                startedAt: string;
                                endedAt: string | null;
                                /** @description Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live. */
                                endReason: "creator" | "admin" | "creator_gone" | null;
                                chatMode: {
                                    /** @description Only the creator, admins and viewers with a subscription to the creator may chat. */
                                    subscribersOnly: boolean;
                                };
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a ticket to join a room signed in
         * @description A single-use ticket valid for 60 seconds: open `/api/v1/lives/:id/ws?ticket=<ticket>` with it (docs/live-protocol.md). Browsers cannot set headers on a WebSocket, so the session proves itself here instead. The socket acts for this session: once it ends (sign-out, password change, account closure), the ticket no longer joins and the socket is closed with 4440. The live’s creator joins as `creator`, an admin signed in with two-factor as `admin`, anyone else as `viewer`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            ticket: string;
                            expiresAt: string;
                            role: "viewer" | "creator" | "admin";
                            /** @description The socket path with the ticket, relative to the API origin. */
                            url: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/ws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The room socket
         * @description A WebSocket (docs/live-protocol.md); a plain GET answers 426.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/overlay/{handle}/ws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The stream overlay’s socket
         * @description A WebSocket (docs/live-protocol.md); a plain GET answers 426.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    handle: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/overlay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your stream overlay URL
         * @description Creators only. The URL to add to OBS as a browser source, on PUBLIC_URL (unset: on the address the request reached); the key is made on first use and stays until rotated.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A creator's stream overlay. */
                            overlay: {
                                /** @description The page to add to OBS as a browser source: PUBLIC_URL/overlay/<handle>?key=<key>. */
                                url: string;
                                /** @description The secret in the URL, such as ovk_…; anyone holding it sees the overlay. */
                                key: string;
                                /** @description When this key was made: first use, or the last rotation. */
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/overlay/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Make a new overlay key
         * @description Creators only. The old URL stops working at once, and overlays open with it are disconnected; paste the new URL into OBS.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A creator's stream overlay. */
                            overlay: {
                                /** @description The page to add to OBS as a browser source: PUBLIC_URL/overlay/<handle>?key=<key>. */
                                url: string;
                                /** @description The secret in the URL, such as ovk_…; anyone holding it sees the overlay. */
                                key: string;
                                /** @description When this key was made: first use, or the last rotation. */
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/overlay/{creatorHandle}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The stream overlay page (HTML, for OBS)
         * @description An HTML page with a transparent background showing the creator's gift alerts, paid messages, cheers and top gifters while they are live. A wrong key and an unknown handle both answer the same plain 404 page.
         */
        get: {
            parameters: {
                query?: {
                    /** @description The overlay key from GET /api/v1/me/overlay. */
                    key?: string;
                };
                header?: never;
                path: {
                    creatorHandle: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/overlay/assets/overlay.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The overlay page's script */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/overlay/assets/overlay.css": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The overlay page's stylesheet */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your live on air, and how often to say you are there
         * @description Creators only. `live` is the creator's live on air or null. While a live started in the browser is on, the app sends POST /api/v1/lives/:id/heartbeat every `heartbeatIntervalMs` from whichever page is open; a live playing a stream is kept on by the media server.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            live: {
                                /** @description Such as live_3k9x…. */
                                id: string;
                                title: string;
                                /** @description live (on air) or ended (final). */
                                status: "live" | "ended";
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Where viewers play the stream, such as an HLS playlist; null when the creator gave none. */
                                playbackUrl: string | null;
                                /** @description Viewers in the room as last counted; 0 once ended. */
                                viewers: number;
                                /** @description Most viewers at once. */
                                peakViewers: number;
                                startedAt: string;
                                endedAt: string | null;
                                /** @description Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live. */
                                endReason: "creator" | "admin" | "creator_gone" | null;
                                chatMode: {
                                    /** @description Only the creator, admins and viewers with a subscription to the creator may chat. */
                                    subscribersOnly: boolean;
                                };
                            } | null;
                            heartbeatIntervalMs: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your streaming setup for OBS
         * @description Creators only. The server address for OBS and whether a stream key was issued; the key itself is shown once, by POST /api/v1/me/stream/key. 404 streaming_off when the operator has not set up a media server.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            stream: {
                                /** @description The server to paste into OBS (Settings → Stream → Server), such as rtmp://live.example.com/live. */
                                ingestUrl: string;
                                /** @description The public name the stream key starts with; it names the HLS viewers play. */
                                streamName: string;
                                /** @description When the key in use was issued; null before the first. */
                                keyIssuedAt: string | null;
                                /** @description Where viewers play the stream while it publishes (HLS). */
                                playbackUrl: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/stream/key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Make a new stream key
         * @description Creators only. Answers the key once, as OBS takes it (`<streamName>?key=…`): only its hash is kept. The key before stops at once: a new publish with it is refused, and a stream publishing with it is stopped at its next update (within 10 seconds).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            stream: {
                                /** @description The server to paste into OBS (Settings → Stream → Server), such as rtmp://live.example.com/live. */
                                ingestUrl: string;
                                /** @description The public name the stream key starts with; it names the HLS viewers play. */
                                streamName: string;
                                /** @description When the key in use was issued; null before the first. */
                                keyIssuedAt: string | null;
                                /** @description Where viewers play the stream while it publishes (HLS). */
                                playbackUrl: string;
                            };
                            streamKey: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/gifts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a gift into a live: the coins go at once and the creator earns diamonds
         * @description Needs an Idempotency-Key: a retry with the same key is sent once and answers the same gift (idempotent-replayed: true). Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, 400 cannot_gift_yourself, 403 age_restricted or account_restricted, 409 idempotency_key_reused for a key used with other parameters. Also 409 live_ended, 400 gift_not_offered_in_region, 409 gift_unavailable.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        giftId: string;
                        /** @default 1 */
                        quantity?: number;
                        /** @description Required (true) when the payment is GIFT_CONFIRM_COINS coins or more (5,000 by default). */
                        confirm?: boolean;
                        /** @description A guest on the live's stage (their user id) the gift pays instead of the host: 404 not_on_stage when they are not on it now. */
                        recipientId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            gift: {
                                /** @description The ledger transfer that moved the coins and diamonds. */
                                id: string;
                                senderId: string;
                                senderName: string;
                                /** @description The sender's gifter level with this payment, for the badge beside their name (docs/levels.md); absent on payments made before levels existed. */
                                senderLevel?: number;
                                creatorId: string;
                                /** @description Coins the sender paid. */
                                coins: number;
                                /** @description Diamonds the creator earned: their creator tier's share of the coins' value. */
                                diamonds: number;
                                sentAt: string;
                                /** @description The same as id. */
                                transferId: string;
                                /** @description The live the gift was sent into; null for a gift to a profile or a video. */
                                liveId: string | null;
                                /** @description Where the gift went: a live, the creator’s profile, or one of their videos (videoId). */
                                target: {
                                    type: "live" | "profile" | "video";
                                    videoId?: string;
                                };
                                giftId: string;
                                name: string;
                                tier: string;
                                icon: string;
                                quantity: number;
                                /** @description The streak this send continues; count is the number of gifts in it so far. Null outside lives and for gifts that do not streak. */
                                combo: {
                                    id: string;
                                    count: number;
                                } | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{handle}/gifts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a gift to a creator's profile, or to one of their videos
         * @description Outside any live: no room event; counted in the creator’s all-time top gifters. `videoId` is the id of the video in the operator’s own video system (1 to 64 letters, digits, underscores and hyphens). Needs an Idempotency-Key. Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, 400 cannot_gift_yourself, 403 age_restricted or account_restricted, 409 idempotency_key_reused for a key used with other parameters. Also 404 user_not_found or creator_not_found, 400 invalid_video_id.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path: {
                    handle: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        giftId: string;
                        /** @default 1 */
                        quantity?: number;
                        /** @description Required (true) when the payment is GIFT_CONFIRM_COINS coins or more (5,000 by default). */
                        confirm?: boolean;
                        videoId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            gift: {
                                /** @description The ledger transfer that moved the coins and diamonds. */
                                id: string;
                                senderId: string;
                                senderName: string;
                                /** @description The sender's gifter level with this payment, for the badge beside their name (docs/levels.md); absent on payments made before levels existed. */
                                senderLevel?: number;
                                creatorId: string;
                                /** @description Coins the sender paid. */
                                coins: number;
                                /** @description Diamonds the creator earned: their creator tier's share of the coins' value. */
                                diamonds: number;
                                sentAt: string;
                                /** @description The same as id. */
                                transferId: string;
                                /** @description The live the gift was sent into; null for a gift to a profile or a video. */
                                liveId: string | null;
                                /** @description Where the gift went: a live, the creator’s profile, or one of their videos (videoId). */
                                target: {
                                    type: "live" | "profile" | "video";
                                    videoId?: string;
                                };
                                giftId: string;
                                name: string;
                                tier: string;
                                icon: string;
                                quantity: number;
                                /** @description The streak this send continues; count is the number of gifts in it so far. Null outside lives and for gifts that do not streak. */
                                combo: {
                                    id: string;
                                    count: number;
                                } | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/paid-messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a paid highlighted message into a live (Super Chat style)
         * @description From 20 to 50,000 coins; the coins choose the tier: its colour, how long it stays pinned and how long the text may be (50 characters at 20 coins, up to 350 at 10,000 or more). Needs an Idempotency-Key. Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, 400 cannot_gift_yourself, 403 age_restricted or account_restricted, 409 idempotency_key_reused for a key used with other parameters. Also 400 invalid_coins, invalid_text, text_too_long (naming the tier's limit), 409 live_ended.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        coins: number;
                        text: string;
                        /** @description Required (true) when the payment is GIFT_CONFIRM_COINS coins or more (5,000 by default). */
                        confirm?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            paidMessage: {
                                /** @description The ledger transfer that moved the coins and diamonds. */
                                id: string;
                                senderId: string;
                                senderName: string;
                                /** @description The sender's gifter level with this payment, for the badge beside their name (docs/levels.md); absent on payments made before levels existed. */
                                senderLevel?: number;
                                creatorId: string;
                                /** @description Coins the sender paid. */
                                coins: number;
                                /** @description Diamonds the creator earned: their creator tier's share of the coins' value. */
                                diamonds: number;
                                sentAt: string;
                                liveId: string;
                                text: string;
                                /** @description Chosen by coins: its colour, how long it stays pinned (0: not pinned) and its most characters. */
                                tier: {
                                    name: string;
                                    color: string;
                                    pinSeconds: number;
                                    maxChars: number;
                                };
                                /** @description Until when it stays pinned at the top of the room; null when its tier does not pin. */
                                pinnedUntil: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/cheers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cheer in a live: a chat message carrying coins for the creator (Bits style)
         * @description From 1 to 10,000 coins with 1 to 200 characters of text; the coins choose the badge. Needs an Idempotency-Key. Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, 400 cannot_gift_yourself, 403 age_restricted or account_restricted, 409 idempotency_key_reused for a key used with other parameters. Also 400 invalid_coins, invalid_text, text_too_long, 409 live_ended.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        coins: number;
                        text: string;
                        /** @description Required (true) when the payment is GIFT_CONFIRM_COINS coins or more (5,000 by default). */
                        confirm?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            cheer: {
                                /** @description The ledger transfer that moved the coins and diamonds. */
                                id: string;
                                senderId: string;
                                senderName: string;
                                /** @description The sender's gifter level with this payment, for the badge beside their name (docs/levels.md); absent on payments made before levels existed. */
                                senderLevel?: number;
                                creatorId: string;
                                /** @description Coins the sender paid. */
                                coins: number;
                                /** @description Diamonds the creator earned: their creator tier's share of the coins' value. */
                                diamonds: number;
                                sentAt: string;
                                liveId: string;
                                text: string;
                                /** @description Chosen by coins: gray, purple (100), green (1,000), blue (5,000) or red (10,000). */
                                badge: {
                                    name: string;
                                    color: string;
                                };
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/top-gifters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Top gifters of one live, by coins (gifts, paid messages and cheers) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            topGifters: {
                                userId: string;
                                handle: string;
                                displayName: string;
                                coins: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{handle}/top-gifters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A creator's all-time top gifters, by coins: in their lives, and to their profile and videos */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    handle: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            topGifters: {
                                userId: string;
                                handle: string;
                                displayName: string;
                                coins: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your orders, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            orders: {
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Order coins: a package or a custom amount, priced by the server
         * @description Needs an Idempotency-Key: the same key answers the same order; the same key with other parameters is refused (409).
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        packageId?: string;
                        customCoins?: number;
                        /** @description The account's own region, if sent: orders are priced in the account's region, and another region is refused with 400 region_mismatch. */
                        region?: string;
                        channel?: "web" | "app";
                        /** @description Needed for large orders (STORE_LARGE_PURCHASE_COINS and up); refused with confirmation_required without it. */
                        confirm?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A coin purchase. Coins are credited once the payment succeeds (status succeeded). */
                            order: {
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/app-receipts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Credit an app-store purchase from its receipt
         * @description The app store charged the buyer; a genuine receipt is credited at once (201), and the same receipt sent again answers the same order (200). A receipt already credited to another account is refused (409 receipt_already_used).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        receipt: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A coin purchase. Coins are credited once the payment succeeds (status succeeded). */
                            order: {
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            };
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A coin purchase. Coins are credited once the payment succeeds (status succeeded). */
                            order: {
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/app-account-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The UUID an app passes with an app-store purchase (StoreKit’s appAccountToken), so its receipt is credited only to this account
         * @description A receipt whose transaction names another account’s token is refused (409 receipt_of_another_account). The token never changes.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            appAccountToken: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of your orders */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A coin purchase. Coins are credited once the payment succeeds (status succeeded). */
                            order: {
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/{id}/receipt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The receipt of one of your paid orders
         * @description Refused with 409 receipt_unavailable until the order is paid.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            receipt: {
                                number: string;
                                issuedAt: string;
                                description: string;
                                coins: number;
                                bonusCoins: number;
                                total: {
                                    amount: number;
                                    currency: string;
                                    formatted: string;
                                };
                                channel: "web" | "app";
                                paidWith: string;
                                paymentReference: string | null;
                                status: "paid" | "refunded" | "charged_back";
                                note: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/{id}/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** "Where are my coins?": asks the payment provider now and credits the order if it was paid */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A coin purchase. Coins are credited once the payment succeeds (status succeeded). */
                            order: {
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/budget": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your coin-buying budget and how much of it is used */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            budget: {
                                limits: {
                                    /** @description Most coins to buy in the period; null for no limit. */
                                    daily: number | null;
                                    /** @description Most coins to buy in the period; null for no limit. */
                                    weekly: number | null;
                                    /** @description Most coins to buy in the period; null for no limit. */
                                    monthly: number | null;
                                };
                                /** @description A raise waiting out the cooling-off period (STORE_BUDGET_RAISE_DELAY_HOURS). */
                                pending: {
                                    limits: {
                                        /** @description Most coins to buy in the period; null for no limit. */
                                        daily: number | null;
                                        /** @description Most coins to buy in the period; null for no limit. */
                                        weekly: number | null;
                                        /** @description Most coins to buy in the period; null for no limit. */
                                        monthly: number | null;
                                    };
                                    effectiveAt: string;
                                } | null;
                                used: {
                                    /** @description Coins bought in the current period. */
                                    daily: number;
                                    /** @description Coins bought in the current period. */
                                    weekly: number;
                                    /** @description Coins bought in the current period. */
                                    monthly: number;
                                };
                                resetsAt: {
                                    /** @description When the period ends (UTC calendar day, ISO week from Monday, month). */
                                    daily: string;
                                    /** @description When the period ends (UTC calendar day, ISO week from Monday, month). */
                                    weekly: string;
                                    /** @description When the period ends (UTC calendar day, ISO week from Monday, month). */
                                    monthly: string;
                                };
                            };
                        };
                    };
                };
            };
        };
        /**
         * Set daily, weekly and monthly limits on the coins you buy (null for none)
         * @description Lowering a limit applies at once; raising or removing one applies after a cooling-off period, shown as `pending`.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Most coins to buy in the period; null for no limit. */
                        daily: number | null;
                        /** @description Most coins to buy in the period; null for no limit. */
                        weekly: number | null;
                        /** @description Most coins to buy in the period; null for no limit. */
                        monthly: number | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            budget: {
                                limits: {
                                    /** @description Most coins to buy in the period; null for no limit. */
                                    daily: number | null;
                                    /** @description Most coins to buy in the period; null for no limit. */
                                    weekly: number | null;
                                    /** @description Most coins to buy in the period; null for no limit. */
                                    monthly: number | null;
                                };
                                /** @description A raise waiting out the cooling-off period (STORE_BUDGET_RAISE_DELAY_HOURS). */
                                pending: {
                                    limits: {
                                        /** @description Most coins to buy in the period; null for no limit. */
                                        daily: number | null;
                                        /** @description Most coins to buy in the period; null for no limit. */
                                        weekly: number | null;
                                        /** @description Most coins to buy in the period; null for no limit. */
                                        monthly: number | null;
                                    };
                                    effectiveAt: string;
                                } | null;
                                used: {
                                    /** @description Coins bought in the current period. */
                                    daily: number;
                                    /** @description Coins bought in the current period. */
                                    weekly: number;
                                    /** @description Coins bought in the current period. */
                                    monthly: number;
                                };
                                resetsAt: {
                                    /** @description When the period ends (UTC calendar day, ISO week from Monday, month). */
                                    daily: string;
                                    /** @description When the period ends (UTC calendar day, ISO week from Monday, month). */
                                    weekly: string;
                                    /** @description When the period ends (UTC calendar day, ISO week from Monday, month). */
                                    monthly: string;
                                };
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/cards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your saved cards, newest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            cards: {
                                id: string;
                                last4: string;
                                /** @description Such as visa or mastercard, when the provider says. */
                                brand: string | null;
                                createdAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Save a card for purchases made without you present, such as subscription renewals
         * @description With the sandbox provider send a test card number as `card`; with Stripe send the `pm_…` id Stripe.js collected as `paymentMethodId`. The answer never carries the card number or the provider’s references. A card the provider declines is refused (402 card_declined).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Sandbox: a test card number, such as 4242 4242 4242 4242. */
                        card?: string;
                        /** @description Stripe: the payment method Stripe.js collected. */
                        paymentMethodId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A card saved for purchases made without you present, such as subscription renewals. The card itself stays with the payment provider. */
                            card: {
                                id: string;
                                last4: string;
                                /** @description Such as visa or mastercard, when the provider says. */
                                brand: string | null;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/cards/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a saved card: it is never charged again
         * @description Purchases already charged to it stay as they are; renewals meant for it fail with card_not_found until another card is saved.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A card saved for purchases made without you present, such as subscription renewals. The card itself stays with the payment provider. */
                            card: {
                                id: string;
                                last4: string;
                                /** @description Such as visa or mastercard, when the provider says. */
                                brand: string | null;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Orders, newest first, by status (disputed for chargebacks) and buyer */
        get: {
            parameters: {
                query?: {
                    status?: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                    userId?: string;
                    /** @description nextCursor of the previous page. */
                    after?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            orders: ({
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            } & {
                                userId: string;
                                providerPaymentId: string | null;
                            })[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Any order, with where its coins went */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            order: ({
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            } & {
                                userId: string;
                                providerPaymentId: string | null;
                            }) & {
                                /** @description What the buyer’s wallet spent after this order was credited, newest first (up to 50): where a disputed purchase’s coins went. */
                                spentAfter: {
                                    transferId: string;
                                    at: string;
                                    kind: string;
                                    coins: number;
                                    description: string;
                                }[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/orders/{id}/refund": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exceptional refund: takes the order's coins back while they are unspent and returns the payment
         * @description Coins are non-refundable; this is for exceptions. Refused with 409 coins_already_spent when the wallet no longer holds the order’s coins.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            order: ({
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            } & {
                                userId: string;
                                providerPaymentId: string | null;
                            }) & {
                                /** @description What the buyer’s wallet spent after this order was credited, newest first (up to 50): where a disputed purchase’s coins went. */
                                spentAfter: {
                                    transferId: string;
                                    at: string;
                                    kind: string;
                                    coins: number;
                                    description: string;
                                }[];
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every webhook endpoint, oldest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            endpoints: {
                                /** @description Such as whep_3k9x…. */
                                id: string;
                                /** @description Where deliveries are POSTed. */
                                url: string;
                                description: string | null;
                                /** @description The events sent to this endpoint. */
                                eventTypes: ("gift.sent" | "paid_message.sent" | "cheer.sent" | "live.started" | "live.ended" | "order.paid" | "order.refunded" | "order.disputed" | "payout.paid" | "payout.failed" | "payout.returned" | "payout.rejected" | "subscription.started" | "subscription.renewed" | "subscription.upgraded" | "subscription.gifted" | "subscription.updated" | "subscription.past_due" | "subscription.canceled" | "subscription.resumed" | "subscription.ended" | "content.unlocked" | "gifter.level_up" | "goal.created" | "goal.completed" | "goal.cleared" | "fan_club.joined" | "battle.proposed" | "battle.declined" | "battle.started" | "battle.ended")[];
                                /** @description False pauses the endpoint: no new deliveries, and pending ones wait until it is enabled again. */
                                enabled: boolean;
                                /** @description After a rotation with an overlap: until when deliveries also carry a signature by the previous secret. */
                                previousSecretExpiresAt: string | null;
                                createdAt: string;
                                updatedAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Register an endpoint for signed event callbacks
         * @description Answers the endpoint with its signing `secret`, shown only here and on rotation. Unknown event types are refused (400 unknown_event_type) naming the known ones; so are http URLs and loopback or private hosts (400 invalid_webhook_url) unless WEBHOOKS_ALLOW_INSECURE_URLS=true.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description An https URL; not a loopback or private address. */
                        url: string;
                        /** @description At least one of gift.sent, paid_message.sent, cheer.sent, live.started, live.ended, order.paid, order.refunded, order.disputed, payout.paid, payout.failed, payout.returned, payout.rejected, subscription.started, subscription.renewed, subscription.upgraded, subscription.gifted, subscription.updated, subscription.past_due, subscription.canceled, subscription.resumed, subscription.ended, content.unlocked, gifter.level_up, goal.created, goal.completed, goal.cleared, fan_club.joined, battle.proposed, battle.declined, battle.started, battle.ended. */
                        eventTypes: string[];
                        /** @description Up to 500 characters. */
                        description?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The endpoint with its signing secret, answered only when created and when the secret is rotated. */
                            endpoint: {
                                /** @description Such as whep_3k9x…. */
                                id: string;
                                /** @description Where deliveries are POSTed. */
                                url: string;
                                description: string | null;
                                /** @description The events sent to this endpoint. */
                                eventTypes: ("gift.sent" | "paid_message.sent" | "cheer.sent" | "live.started" | "live.ended" | "order.paid" | "order.refunded" | "order.disputed" | "payout.paid" | "payout.failed" | "payout.returned" | "payout.rejected" | "subscription.started" | "subscription.renewed" | "subscription.upgraded" | "subscription.gifted" | "subscription.updated" | "subscription.past_due" | "subscription.canceled" | "subscription.resumed" | "subscription.ended" | "content.unlocked" | "gifter.level_up" | "goal.created" | "goal.completed" | "goal.cleared" | "fan_club.joined" | "battle.proposed" | "battle.declined" | "battle.started" | "battle.ended")[];
                                /** @description False pauses the endpoint: no new deliveries, and pending ones wait until it is enabled again. */
                                enabled: boolean;
                                /** @description After a rotation with an overlap: until when deliveries also carry a signature by the previous secret. */
                                previousSecretExpiresAt: string | null;
                                createdAt: string;
                                updatedAt: string;
                                /** @description whsec_…: signs every delivery (the ovation-signature header). Shown only now; keep it secret. */
                                secret: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook endpoint */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description An operator's endpoint for signed event callbacks. */
                            endpoint: {
                                /** @description Such as whep_3k9x…. */
                                id: string;
                                /** @description Where deliveries are POSTed. */
                                url: string;
                                description: string | null;
                                /** @description The events sent to this endpoint. */
                                eventTypes: ("gift.sent" | "paid_message.sent" | "cheer.sent" | "live.started" | "live.ended" | "order.paid" | "order.refunded" | "order.disputed" | "payout.paid" | "payout.failed" | "payout.returned" | "payout.rejected" | "subscription.started" | "subscription.renewed" | "subscription.upgraded" | "subscription.gifted" | "subscription.updated" | "subscription.past_due" | "subscription.canceled" | "subscription.resumed" | "subscription.ended" | "content.unlocked" | "gifter.level_up" | "goal.created" | "goal.completed" | "goal.cleared" | "fan_club.joined" | "battle.proposed" | "battle.declined" | "battle.started" | "battle.ended")[];
                                /** @description False pauses the endpoint: no new deliveries, and pending ones wait until it is enabled again. */
                                enabled: boolean;
                                /** @description After a rotation with an overlap: until when deliveries also carry a signature by the previous secret. */
                                previousSecretExpiresAt: string | null;
                                createdAt: string;
                                updatedAt: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete an endpoint with its deliveries and their log */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Change an endpoint’s URL, events, description, or pause it
         * @description Fields left out stay as they are. Disabling pauses the endpoint: pending deliveries wait and resume when it is enabled again.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description An https URL; not a loopback or private address. */
                        url?: string;
                        /** @description At least one of gift.sent, paid_message.sent, cheer.sent, live.started, live.ended, order.paid, order.refunded, order.disputed, payout.paid, payout.failed, payout.returned, payout.rejected, subscription.started, subscription.renewed, subscription.upgraded, subscription.gifted, subscription.updated, subscription.past_due, subscription.canceled, subscription.resumed, subscription.ended, content.unlocked, gifter.level_up, goal.created, goal.completed, goal.cleared, fan_club.joined, battle.proposed, battle.declined, battle.started, battle.ended. */
                        eventTypes?: string[];
                        enabled?: boolean;
                        /** @description Up to 500 characters. */
                        description?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description An operator's endpoint for signed event callbacks. */
                            endpoint: {
                                /** @description Such as whep_3k9x…. */
                                id: string;
                                /** @description Where deliveries are POSTed. */
                                url: string;
                                description: string | null;
                                /** @description The events sent to this endpoint. */
                                eventTypes: ("gift.sent" | "paid_message.sent" | "cheer.sent" | "live.started" | "live.ended" | "order.paid" | "order.refunded" | "order.disputed" | "payout.paid" | "payout.failed" | "payout.returned" | "payout.rejected" | "subscription.started" | "subscription.renewed" | "subscription.upgraded" | "subscription.gifted" | "subscription.updated" | "subscription.past_due" | "subscription.canceled" | "subscription.resumed" | "subscription.ended" | "content.unlocked" | "gifter.level_up" | "goal.created" | "goal.completed" | "goal.cleared" | "fan_club.joined" | "battle.proposed" | "battle.declined" | "battle.started" | "battle.ended")[];
                                /** @description False pauses the endpoint: no new deliveries, and pending ones wait until it is enabled again. */
                                enabled: boolean;
                                /** @description After a rotation with an overlap: until when deliveries also carry a signature by the previous secret. */
                                previousSecretExpiresAt: string | null;
                                createdAt: string;
                                updatedAt: string;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/admin/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace the signing secret
         * @description Answers the new secret. Until previousSecretExpiresInSeconds from now, deliveries also carry a v1 signature by the old secret, so receivers can switch over without refusing any; 0 stops the old secret at once.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description How long the old secret keeps signing too, in seconds (up to a week); 0 stops it at once. */
                        previousSecretExpiresInSeconds: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The endpoint with its signing secret, answered only when created and when the secret is rotated. */
                            endpoint: {
                                /** @description Such as whep_3k9x…. */
                                id: string;
                                /** @description Where deliveries are POSTed. */
                                url: string;
                                description: string | null;
                                /** @description The events sent to this endpoint. */
                                eventTypes: ("gift.sent" | "paid_message.sent" | "cheer.sent" | "live.started" | "live.ended" | "order.paid" | "order.refunded" | "order.disputed" | "payout.paid" | "payout.failed" | "payout.returned" | "payout.rejected" | "subscription.started" | "subscription.renewed" | "subscription.upgraded" | "subscription.gifted" | "subscription.updated" | "subscription.past_due" | "subscription.canceled" | "subscription.resumed" | "subscription.ended" | "content.unlocked" | "gifter.level_up" | "goal.created" | "goal.completed" | "goal.cleared" | "fan_club.joined" | "battle.proposed" | "battle.declined" | "battle.started" | "battle.ended")[];
                                /** @description False pauses the endpoint: no new deliveries, and pending ones wait until it is enabled again. */
                                enabled: boolean;
                                /** @description After a rotation with an overlap: until when deliveries also carry a signature by the previous secret. */
                                previousSecretExpiresAt: string | null;
                                createdAt: string;
                                updatedAt: string;
                                /** @description whsec_…: signs every delivery (the ovation-signature header). Shown only now; keep it secret. */
                                secret: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The delivery log of an endpoint, newest first
         * @description Each delivery with every attempt: time, HTTP status or error, duration. status=failed for the ones that gave up. Page with `after`: the `nextCursor` of the previous page.
         */
        get: {
            parameters: {
                query?: {
                    /** @description pending (due at nextAttemptAt), delivered (a 2xx answer), failed (no 2xx in 8 attempts; retry it by hand). */
                    status?: "pending" | "delivered" | "failed";
                    limit?: number;
                    after?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deliveries: {
                                /** @description Such as whdl_3k9x…. */
                                id: string;
                                endpointId: string;
                                /** @description Also sent in the ovation-event-id header; the same on every attempt. */
                                eventId: string;
                                eventType: string;
                                /** @description pending (due at nextAttemptAt), delivered (a 2xx answer), failed (no 2xx in 8 attempts; retry it by hand). */
                                status: "pending" | "delivered" | "failed";
                                nextAttemptAt: string | null;
                                /** @description When it was delivered or gave up. */
                                completedAt: string | null;
                                createdAt: string;
                                /** @description Every request made, oldest first. */
                                attempts: {
                                    at: string;
                                    /** @description The endpoint's HTTP status; null when no response came. */
                                    statusCode: number | null;
                                    /** @description Why no response came: a timeout, a connection error, a URL no longer allowed. */
                                    error: string | null;
                                    durationMs: number;
                                }[];
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a webhook.test event to this endpoint only
         * @description Queued and due at once; watch it in the delivery log. 409 webhook_disabled for a disabled endpoint.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description One event on its way to one endpoint, with its delivery log. */
                            delivery: {
                                /** @description Such as whdl_3k9x…. */
                                id: string;
                                endpointId: string;
                                /** @description Also sent in the ovation-event-id header; the same on every attempt. */
                                eventId: string;
                                eventType: string;
                                /** @description pending (due at nextAttemptAt), delivered (a 2xx answer), failed (no 2xx in 8 attempts; retry it by hand). */
                                status: "pending" | "delivered" | "failed";
                                nextAttemptAt: string | null;
                                /** @description When it was delivered or gave up. */
                                completedAt: string | null;
                                createdAt: string;
                                /** @description Every request made, oldest first. */
                                attempts: {
                                    at: string;
                                    /** @description The endpoint's HTTP status; null when no response came. */
                                    statusCode: number | null;
                                    /** @description Why no response came: a timeout, a connection error, a URL no longer allowed. */
                                    error: string | null;
                                    durationMs: number;
                                }[];
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-deliveries/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivery again now, even a failed or delivered one
         * @description A failed or delivered delivery starts a new schedule of up to 8 attempts; a pending one is only brought forward. Deliveries of a disabled endpoint wait until it is enabled.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description One event on its way to one endpoint, with its delivery log. */
                            delivery: {
                                /** @description Such as whdl_3k9x…. */
                                id: string;
                                endpointId: string;
                                /** @description Also sent in the ovation-event-id header; the same on every attempt. */
                                eventId: string;
                                eventType: string;
                                /** @description pending (due at nextAttemptAt), delivered (a 2xx answer), failed (no 2xx in 8 attempts; retry it by hand). */
                                status: "pending" | "delivered" | "failed";
                                nextAttemptAt: string | null;
                                /** @description When it was delivered or gave up. */
                                completedAt: string | null;
                                createdAt: string;
                                /** @description Every request made, oldest first. */
                                attempts: {
                                    at: string;
                                    /** @description The endpoint's HTTP status; null when no response came. */
                                    statusCode: number | null;
                                    /** @description Why no response came: a timeout, a connection error, a URL no longer allowed. */
                                    error: string | null;
                                    durationMs: number;
                                }[];
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/payouts/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The minimum, the daily maximum and the first-payout hold */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rules: {
                                minimumDiamonds: number;
                                minimumAmount: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                dailyMaximum: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                firstPayoutHoldDays: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/payouts/quotes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Quote a payout to a payout method in another currency: the provider's rate, fee and the amount received
         * @description Changes no balance. Confirm the quote with POST /api/v1/payouts (the same diamonds and methodId, and its id as quoteId) before it expires; it pays one payout. Refused as a payout would be (403, 404 payout_method_not_found, 400 below_minimum), and with 400 quote_not_needed for a method in the diamonds' own currency or currency_not_supported when the provider cannot pay in it.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        diamonds: number;
                        methodId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            quote: {
                                /** @description Confirm it as quoteId of POST /api/v1/payouts, with the same diamonds and methodId, before expiresAt. */
                                id: string;
                                diamonds: number;
                                methodId: string;
                                /** @description The diamonds' cash value, which is converted. */
                                amount: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                /** @description The provider's fee, taken from the amount before converting it. */
                                fee: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                /** @description The provider's rate: units of the received currency per unit of the amount's, a decimal. */
                                rate: string;
                                /** @description What the payout method receives. */
                                received: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                provider: string;
                                expiresAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your payouts, newest first, each with its timeline */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            payouts: {
                                id: string;
                                /**
                                 * @description in_review: an admin reviews it; approved: on its way to the provider; processing: the provider is sending it; paid; returned: paid, then sent back (diamonds returned); failed or rejected: the diamonds are back in the wallet.
                                 * @enum {unknown}
                                 */
                                status: "in_review" | "approved" | "processing" | "paid" | "returned" | "failed" | "rejected";
                                diamonds: number;
                                amount: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                /** @description What the payout method receives: the amount, or for a method in another currency the amount of the quote the creator confirmed. */
                                received: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                method: {
                                    id: string;
                                    type: string;
                                    label: string;
                                };
                                /** @description Why it was rejected, failed or returned. */
                                reason: string | null;
                                timeline: {
                                    status: string;
                                    at: string;
                                    note: string | null;
                                }[];
                                createdAt: string;
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Request a payout of diamonds to a payout method
         * @description Needs two-factor on the account, a verified identity, a payout method and an Idempotency-Key (a retry answers the same payout with idempotent-replayed: true). The diamonds are reserved at once; the payout is approved automatically or waits for review, then is sent. Needs a session that proved two-factor in the last TWO_FACTOR_RECENT_MINUTES: else 403 two_factor_recent_required (prove it with POST /api/v1/me/two-factor/verify, then retry). Refusals change nothing: 403 two_factor_required, identity_not_verified, first_payout_hold, account_restricted or creator_required; 404 payout_method_not_found; 400 below_minimum or daily_limit_exceeded (naming what is left); 409 insufficient_diamonds (diamonds in other payouts are reserved) or idempotency_key_reused. A method in another currency needs a quote: 400 quote_required, quote_expired or quote_mismatch, 404 quote_not_found, 409 quote_used.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        diamonds: number;
                        methodId: string;
                        /** @description The quote confirmed; needed for a payout method in another currency than the diamonds' value. */
                        quoteId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            payout: {
                                id: string;
                                /**
                                 * @description in_review: an admin reviews it; approved: on its way to the provider; processing: the provider is sending it; paid; returned: paid, then sent back (diamonds returned); failed or rejected: the diamonds are back in the wallet.
                                 * @enum {unknown}
                                 */
                                status: "in_review" | "approved" | "processing" | "paid" | "returned" | "failed" | "rejected";
                                diamonds: number;
                                amount: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                /** @description What the payout method receives: the amount, or for a method in another currency the amount of the quote the creator confirmed. */
                                received: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                method: {
                                    id: string;
                                    type: string;
                                    label: string;
                                };
                                /** @description Why it was rejected, failed or returned. */
                                reason: string | null;
                                timeline: {
                                    status: string;
                                    at: string;
                                    note: string | null;
                                }[];
                                createdAt: string;
                                updatedAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/payouts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of your payouts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            payout: {
                                id: string;
                                /**
                                 * @description in_review: an admin reviews it; approved: on its way to the provider; processing: the provider is sending it; paid; returned: paid, then sent back (diamonds returned); failed or rejected: the diamonds are back in the wallet.
                                 * @enum {unknown}
                                 */
                                status: "in_review" | "approved" | "processing" | "paid" | "returned" | "failed" | "rejected";
                                diamonds: number;
                                amount: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                /** @description What the payout method receives: the amount, or for a method in another currency the amount of the quote the creator confirmed. */
                                received: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                method: {
                                    id: string;
                                    type: string;
                                    label: string;
                                };
                                /** @description Why it was rejected, failed or returned. */
                                reason: string | null;
                                timeline: {
                                    status: string;
                                    at: string;
                                    note: string | null;
                                }[];
                                createdAt: string;
                                updatedAt: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Payouts, oldest first, by status (in_review is the review queue) and creator, with the risk reasons */
        get: {
            parameters: {
                query?: {
                    /** @description in_review: an admin reviews it; approved: on its way to the provider; processing: the provider is sending it; paid; returned: paid, then sent back (diamonds returned); failed or rejected: the diamonds are back in the wallet. */
                    status?: "in_review" | "approved" | "processing" | "paid" | "returned" | "failed" | "rejected";
                    userId?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            payouts: ({
                                id: string;
                                /**
                                 * @description in_review: an admin reviews it; approved: on its way to the provider; processing: the provider is sending it; paid; returned: paid, then sent back (diamonds returned); failed or rejected: the diamonds are back in the wallet.
                                 * @enum {unknown}
                                 */
                                status: "in_review" | "approved" | "processing" | "paid" | "returned" | "failed" | "rejected";
                                diamonds: number;
                                amount: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                /** @description What the payout method receives: the amount, or for a method in another currency the amount of the quote the creator confirmed. */
                                received: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                method: {
                                    id: string;
                                    type: string;
                                    label: string;
                                };
                                /** @description Why it was rejected, failed or returned. */
                                reason: string | null;
                                timeline: {
                                    status: string;
                                    at: string;
                                    note: string | null;
                                }[];
                                createdAt: string;
                                updatedAt: string;
                            } & {
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Why the payout waits for review; empty when it was approved automatically. */
                                riskReasons: {
                                    code: string;
                                    message: string;
                                }[];
                                reviewedBy: string | null;
                                /** @description The pending ledger transfer that reserves its diamonds. */
                                holdTransferId: string | null;
                            })[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/payouts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Any payout, with its risk reasons */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            payout: {
                                id: string;
                                /**
                                 * @description in_review: an admin reviews it; approved: on its way to the provider; processing: the provider is sending it; paid; returned: paid, then sent back (diamonds returned); failed or rejected: the diamonds are back in the wallet.
                                 * @enum {unknown}
                                 */
                                status: "in_review" | "approved" | "processing" | "paid" | "returned" | "failed" | "rejected";
                                diamonds: number;
                                amount: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                /** @description What the payout method receives: the amount, or for a method in another currency the amount of the quote the creator confirmed. */
                                received: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                method: {
                                    id: string;
                                    type: string;
                                    label: string;
                                };
                                /** @description Why it was rejected, failed or returned. */
                                reason: string | null;
                                timeline: {
                                    status: string;
                                    at: string;
                                    note: string | null;
                                }[];
                                createdAt: string;
                                updatedAt: string;
                            } & {
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Why the payout waits for review; empty when it was approved automatically. */
                                riskReasons: {
                                    code: string;
                                    message: string;
                                }[];
                                reviewedBy: string | null;
                                /** @description The pending ledger transfer that reserves its diamonds. */
                                holdTransferId: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/payouts/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a payout in review: it is sent to the provider
         * @description 409 payout_not_in_review; 409 clawback_shortfall while chargebacks left the creator short of the diamonds it holds (reject it instead).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Why it is approved: kept on the timeline and the review record. */
                        note: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            payout: {
                                id: string;
                                /**
                                 * @description in_review: an admin reviews it; approved: on its way to the provider; processing: the provider is sending it; paid; returned: paid, then sent back (diamonds returned); failed or rejected: the diamonds are back in the wallet.
                                 * @enum {unknown}
                                 */
                                status: "in_review" | "approved" | "processing" | "paid" | "returned" | "failed" | "rejected";
                                diamonds: number;
                                amount: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                /** @description What the payout method receives: the amount, or for a method in another currency the amount of the quote the creator confirmed. */
                                received: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                method: {
                                    id: string;
                                    type: string;
                                    label: string;
                                };
                                /** @description Why it was rejected, failed or returned. */
                                reason: string | null;
                                timeline: {
                                    status: string;
                                    at: string;
                                    note: string | null;
                                }[];
                                createdAt: string;
                                updatedAt: string;
                            } & {
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Why the payout waits for review; empty when it was approved automatically. */
                                riskReasons: {
                                    code: string;
                                    message: string;
                                }[];
                                reviewedBy: string | null;
                                /** @description The pending ledger transfer that reserves its diamonds. */
                                holdTransferId: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/payouts/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject a payout in review: its diamonds go back to the creator, who sees the reason */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            payout: {
                                id: string;
                                /**
                                 * @description in_review: an admin reviews it; approved: on its way to the provider; processing: the provider is sending it; paid; returned: paid, then sent back (diamonds returned); failed or rejected: the diamonds are back in the wallet.
                                 * @enum {unknown}
                                 */
                                status: "in_review" | "approved" | "processing" | "paid" | "returned" | "failed" | "rejected";
                                diamonds: number;
                                amount: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                /** @description What the payout method receives: the amount, or for a method in another currency the amount of the quote the creator confirmed. */
                                received: {
                                    /** @description In the minor unit of the currency. */
                                    amount: number;
                                    currency: string;
                                };
                                method: {
                                    id: string;
                                    type: string;
                                    label: string;
                                };
                                /** @description Why it was rejected, failed or returned. */
                                reason: string | null;
                                timeline: {
                                    status: string;
                                    at: string;
                                    note: string | null;
                                }[];
                                createdAt: string;
                                updatedAt: string;
                            } & {
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                };
                                /** @description Why the payout waits for review; empty when it was approved automatically. */
                                riskReasons: {
                                    code: string;
                                    message: string;
                                }[];
                                reviewedBy: string | null;
                                /** @description The pending ledger transfer that reserves its diamonds. */
                                holdTransferId: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/creators/{id}/risk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A creator's risk picture: who pays them, disputes, clawbacks and payouts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            risk: {
                                creator: {
                                    id: string;
                                    handle: string;
                                    displayName: string;
                                    createdAt: string;
                                };
                                /** @description What review would flag for a payout now. */
                                reasons: {
                                    code: string;
                                    message: string;
                                }[];
                                /** @description Who paid the creator over the last 30 days, biggest first. */
                                payers: {
                                    payerId: string;
                                    diamonds: number;
                                    payerCreatedAt: string;
                                    firstPaidAt: string;
                                    disputed: boolean;
                                }[];
                                clawbacks: {
                                    orderId: string;
                                    buyerId: string;
                                    at: string;
                                    tracedDiamonds: number;
                                    reversedDiamonds: number;
                                    transferId: string | null;
                                }[];
                                payouts: ({
                                    id: string;
                                    /**
                                     * @description in_review: an admin reviews it; approved: on its way to the provider; processing: the provider is sending it; paid; returned: paid, then sent back (diamonds returned); failed or rejected: the diamonds are back in the wallet.
                                     * @enum {unknown}
                                     */
                                    status: "in_review" | "approved" | "processing" | "paid" | "returned" | "failed" | "rejected";
                                    diamonds: number;
                                    amount: {
                                        /** @description In the minor unit of the currency. */
                                        amount: number;
                                        currency: string;
                                    };
                                    /** @description What the payout method receives: the amount, or for a method in another currency the amount of the quote the creator confirmed. */
                                    received: {
                                        /** @description In the minor unit of the currency. */
                                        amount: number;
                                        currency: string;
                                    };
                                    method: {
                                        id: string;
                                        type: string;
                                        label: string;
                                    };
                                    /** @description Why it was rejected, failed or returned. */
                                    reason: string | null;
                                    timeline: {
                                        status: string;
                                        at: string;
                                        note: string | null;
                                    }[];
                                    createdAt: string;
                                    updatedAt: string;
                                } & {
                                    creator: {
                                        id: string;
                                        handle: string;
                                        displayName: string;
                                    };
                                    /** @description Why the payout waits for review; empty when it was approved automatically. */
                                    riskReasons: {
                                        code: string;
                                        message: string;
                                    }[];
                                    reviewedBy: string | null;
                                    /** @description The pending ledger transfer that reserves its diamonds. */
                                    holdTransferId: string | null;
                                })[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run the ledger audit now
         * @description Recomputes every balance from the journal and runs every check (`ok` is true when no coin or diamond was lost or invented). Reads only; on a large ledger it takes a while.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            audit: {
                                ok: boolean;
                                accounts: number;
                                transfers: number;
                                totals: {
                                    asset: string;
                                    accounts: number;
                                    /** @description An exact integer as a decimal string: sums may pass what JSON numbers hold. */
                                    postedSum: string;
                                    /** @description An exact integer as a decimal string: sums may pass what JSON numbers hold. */
                                    pendingDebitsSum: string;
                                    /** @description An exact integer as a decimal string: sums may pass what JSON numbers hold. */
                                    pendingCreditsSum: string;
                                }[];
                                checks: {
                                    name: string;
                                    violations: string[];
                                }[];
                                ranAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/identity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your identity check
         * @description Creators only. The newest submission, or null when there is none.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            identity: {
                                /** @description Such as idc_3k9x…. */
                                id: string;
                                /** @description verified (final); rejected or needs_more_info (see reason; submit again); pending (the provider decides later; a new submission replaces it). */
                                status: "verified" | "rejected" | "needs_more_info" | "pending";
                                legalName: string;
                                country: string;
                                /**
                                 * @description passport, national_id or driving_licence.
                                 * @enum {unknown}
                                 */
                                documentType: "passport" | "national_id" | "driving_licence";
                                /** @description The last four characters of the document number; the rest is never stored. */
                                documentLast4: string;
                                /** @description Why it was rejected, or what more is needed; null otherwise. */
                                reason: string | null;
                                submittedAt: string;
                                /** @description Null while pending. */
                                decidedAt: string | null;
                            } | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Verify your identity (KYC) for payouts
         * @description Creators only. The birth date must be the one on the account, and an adult’s. The answer carries the provider’s decision: verified, rejected or needs_more_info with a reason, or pending. Anything but a verified identity may be submitted again; a verified one answers 409 identity_already_verified. The sandbox decides by test document numbers (docs/creators.md).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Your full name as on the document: 2 to 100 characters on one line. */
                        legalName: string;
                        /** @description ISO 3166-1 alpha-2 country code, such as US or DE. */
                        country: string;
                        /** @description Date of birth, YYYY-MM-DD. */
                        birthDate: string;
                        /**
                         * @description passport, national_id or driving_licence.
                         * @enum {unknown}
                         */
                        documentType: "passport" | "national_id" | "driving_licence";
                        /** @description 4 to 40 letters and digits; spaces and hyphens are ignored. Only its last four characters are kept. */
                        documentNumber: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A creator's identity check (KYC), as its newest submission stands. */
                            identity: {
                                /** @description Such as idc_3k9x…. */
                                id: string;
                                /** @description verified (final); rejected or needs_more_info (see reason; submit again); pending (the provider decides later; a new submission replaces it). */
                                status: "verified" | "rejected" | "needs_more_info" | "pending";
                                legalName: string;
                                country: string;
                                /**
                                 * @description passport, national_id or driving_licence.
                                 * @enum {unknown}
                                 */
                                documentType: "passport" | "national_id" | "driving_licence";
                                /** @description The last four characters of the document number; the rest is never stored. */
                                documentLast4: string;
                                /** @description Why it was rejected, or what more is needed; null otherwise. */
                                reason: string | null;
                                submittedAt: string;
                                /** @description Null while pending. */
                                decidedAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/payout-methods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your payout methods
         * @description Creators only. The methods that can take payouts, oldest first.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            methods: {
                                /** @description Such as pm_3k9x…; payouts name it as methodId. */
                                id: string;
                                type: "bank_account" | "wallet";
                                holderName: string;
                                /** @description The destination masked, such as "Bank account •••• 6789" or "Wallet j•••@example.com". Full numbers are never answered. */
                                label: string;
                                /** @description A bank account's country; a wallet's is the verified identity's. */
                                country: string;
                                /** @description A bank account's currency; a wallet is paid in the currency earnings are valued in (PAYOUT_DIAMOND_VALUE). */
                                currency: string;
                                createdAt: string;
                                /** @description When it was removed; null while it can take payouts. */
                                removedAt: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Add a payout method
         * @description Creators only, in a session that proved two-factor in the last TWO_FACTOR_RECENT_MINUTES (else 403 two_factor_required without two-factor, or 403 two_factor_recent_required: prove it with POST /api/v1/me/two-factor/verify), with a verified identity (else 403 identity_not_verified). A bank_account needs country, currency and accountNumber (routingCode when the bank uses one); a wallet needs email. The holder must be the verified person: names are compared without case, accents or extra spaces, else 422 holder_name_mismatch.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        type: "bank_account" | "wallet";
                        /** @description The account holder, as on the verified identity: 2 to 100 characters on one line. */
                        holderName: string;
                        /** @description Bank accounts: ISO 3166-1 alpha-2 country code of the bank. */
                        country?: string;
                        /** @description Bank accounts: ISO 4217 currency of the account, such as USD. */
                        currency?: string;
                        /** @description Bank accounts: the account number or IBAN, 4 to 34 letters and digits; spaces and hyphens are ignored. */
                        accountNumber?: string;
                        /** @description Bank accounts: routing, sort, BIC or similar code, 3 to 20 letters and digits. */
                        routingCode?: string;
                        /**
                         * Format: email
                         * @description An email address.
                         */
                        email?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Where payouts are sent: a bank account or an email wallet, in the verified legal name. */
                            method: {
                                /** @description Such as pm_3k9x…; payouts name it as methodId. */
                                id: string;
                                type: "bank_account" | "wallet";
                                holderName: string;
                                /** @description The destination masked, such as "Bank account •••• 6789" or "Wallet j•••@example.com". Full numbers are never answered. */
                                label: string;
                                /** @description A bank account's country; a wallet's is the verified identity's. */
                                country: string;
                                /** @description A bank account's currency; a wallet is paid in the currency earnings are valued in (PAYOUT_DIAMOND_VALUE). */
                                currency: string;
                                createdAt: string;
                                /** @description When it was removed; null while it can take payouts. */
                                removedAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/payout-methods/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a payout method
         * @description Creators only. The method takes no new payouts; payouts already sent to it keep naming it. Removing it again answers it unchanged.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Where payouts are sent: a bank account or an email wallet, in the verified legal name. */
                            method: {
                                /** @description Such as pm_3k9x…; payouts name it as methodId. */
                                id: string;
                                type: "bank_account" | "wallet";
                                holderName: string;
                                /** @description The destination masked, such as "Bank account •••• 6789" or "Wallet j•••@example.com". Full numbers are never answered. */
                                label: string;
                                /** @description A bank account's country; a wallet's is the verified identity's. */
                                country: string;
                                /** @description A bank account's currency; a wallet is paid in the currency earnings are valued in (PAYOUT_DIAMOND_VALUE). */
                                currency: string;
                                createdAt: string;
                                /** @description When it was removed; null while it can take payouts. */
                                removedAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/identity-checks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Creators' identity checks: each creator's newest submission, oldest first
         * @description status=pending is the queue of checks the provider left to manual review.
         */
        get: {
            parameters: {
                query?: {
                    status?: "verified" | "rejected" | "needs_more_info" | "pending";
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            identities: ({
                                /** @description Such as idc_3k9x…. */
                                id: string;
                                /** @description verified (final); rejected or needs_more_info (see reason; submit again); pending (the provider decides later; a new submission replaces it). */
                                status: "verified" | "rejected" | "needs_more_info" | "pending";
                                legalName: string;
                                country: string;
                                /**
                                 * @description passport, national_id or driving_licence.
                                 * @enum {unknown}
                                 */
                                documentType: "passport" | "national_id" | "driving_licence";
                                /** @description The last four characters of the document number; the rest is never stored. */
                                documentLast4: string;
                                /** @description Why it was rejected, or what more is needed; null otherwise. */
                                reason: string | null;
                                submittedAt: string;
                                /** @description Null while pending. */
                                decidedAt: string | null;
                            } & {
                                userId: string;
                                provider: string;
                                /** @description The check's id at the provider. */
                                providerReference: string;
                            })[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/identity-checks/{id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decide a pending identity check by hand
         * @description Only the creator’s newest submission, and only while pending (409 identity_check_not_pending, identity_check_superseded). Rejecting or asking for more needs a reason (400 reason_required), which the creator reads.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        status: "verified" | "rejected" | "needs_more_info";
                        /** @description Words the creator can act on: they read it. */
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            identity: {
                                /** @description Such as idc_3k9x…. */
                                id: string;
                                /** @description verified (final); rejected or needs_more_info (see reason; submit again); pending (the provider decides later; a new submission replaces it). */
                                status: "verified" | "rejected" | "needs_more_info" | "pending";
                                legalName: string;
                                country: string;
                                /**
                                 * @description passport, national_id or driving_licence.
                                 * @enum {unknown}
                                 */
                                documentType: "passport" | "national_id" | "driving_licence";
                                /** @description The last four characters of the document number; the rest is never stored. */
                                documentLast4: string;
                                /** @description Why it was rejected, or what more is needed; null otherwise. */
                                reason: string | null;
                                submittedAt: string;
                                /** @description Null while pending. */
                                decidedAt: string | null;
                            } & {
                                userId: string;
                                provider: string;
                                /** @description The check's id at the provider. */
                                providerReference: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/identity-checks/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a verified identity
         * @description The creator’s identity becomes rejected with the reason, so they cannot request payouts until they verify again, and their payouts not yet sent wait for review. 409 identity_not_verified when the check is not verified.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Words the creator can act on: they read it. */
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            identity: {
                                /** @description Such as idc_3k9x…. */
                                id: string;
                                /** @description verified (final); rejected or needs_more_info (see reason; submit again); pending (the provider decides later; a new submission replaces it). */
                                status: "verified" | "rejected" | "needs_more_info" | "pending";
                                legalName: string;
                                country: string;
                                /**
                                 * @description passport, national_id or driving_licence.
                                 * @enum {unknown}
                                 */
                                documentType: "passport" | "national_id" | "driving_licence";
                                /** @description The last four characters of the document number; the rest is never stored. */
                                documentLast4: string;
                                /** @description Why it was rejected, or what more is needed; null otherwise. */
                                reason: string | null;
                                submittedAt: string;
                                /** @description Null while pending. */
                                decidedAt: string | null;
                            } & {
                                userId: string;
                                provider: string;
                                /** @description The check's id at the provider. */
                                providerReference: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/earnings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your diamonds, their cash value, and what a period earned
         * @description Creators only. The period defaults to the 30 days up to now and spans at most 366 days. diamonds and cashValue are the balance now; totals and the breakdowns count the gifts, paid messages and cheers of the period, subscriptions (by tier) and paidContent what those brought beside them.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Start of the period, inclusive: an ISO date (midnight UTC, such as 2026-03-01) or a date-time with a time zone (2026-03-01T09:30:00+09:00). */
                    from?: string;
                    /** @description End of the period, exclusive: an ISO date (midnight UTC, such as 2026-03-01) or a date-time with a time zone (2026-03-01T09:30:00+09:00). */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The diamond balance, diamonds held by payouts included. */
                            diamonds: number;
                            /** @description What the diamond balance is worth at PAYOUT_DIAMOND_VALUE. */
                            cashValue: {
                                /** @description In the minor unit, rounded down. */
                                amount: number;
                                currency: string;
                            };
                            /** @description What a payout may take now: the balance less held diamonds. */
                            availableDiamonds: number;
                            /** @description Reserved by payouts not yet paid. */
                            heldDiamonds: number;
                            period: {
                                /** @description Inclusive. */
                                from: string;
                                /** @description Exclusive. */
                                to: string;
                            };
                            /** @description What gifts, paid messages and cheers brought in the period. */
                            totals: {
                                /** @description Earned in the period. */
                                diamonds: number;
                                /** @description Coins viewers paid. */
                                coins: number;
                                /** @description Gifts received (three roses in one send are 3), paid messages and cheers. */
                                gifts: number;
                                /** @description Different viewers who paid. */
                                supporters: number;
                                /** @description Taken back in the period because the coins that paid for them were charged back; `diamonds` still counts those payments. */
                                clawedBackDiamonds: number;
                            };
                            /** @description Every UTC day of the period, oldest first. */
                            byDay: {
                                /** @description YYYY-MM-DD, UTC. */
                                date: string;
                                diamonds: number;
                                coins: number;
                                gifts: number;
                            }[];
                            /** @description The 50 lives that earned most in the period, most first. Gifts to the profile or videos are in no live. */
                            byLive: {
                                liveId: string;
                                title: string;
                                startedAt: string;
                                diamonds: number;
                                gifts: number;
                            }[];
                            /** @description By gift, most diamonds first; paid messages and cheers each as one row. */
                            byGift: {
                                kind: "gift" | "paid_message" | "cheer";
                                /** @description Null for paid messages and cheers. */
                                giftId: string | null;
                                /** @description The gift’s name, or "Paid messages" or "Cheers". */
                                name: string;
                                diamonds: number;
                                quantity: number;
                            }[];
                            /** @description The 10 viewers whose payments earned most in the period. */
                            topSupporters: {
                                userId: string;
                                handle: string;
                                displayName: string;
                                diamonds: number;
                            }[];
                            /** @description What subscriptions brought in the period, beside the gifts of totals. */
                            subscriptions: {
                                /** @description Earned from subscriptions in the period. */
                                diamonds: number;
                                /** @description Coins subscribers (and viewers gifting subscriptions) paid. */
                                coins: number;
                                /** @description Months paid. */
                                months: number;
                                /** @description By tier level, lowest first; tiers without payments in the period are left out. */
                                byTier: {
                                    tierLevel: number;
                                    /** @description The tier’s name now. */
                                    name: string;
                                    diamonds: number;
                                    coins: number;
                                    /** @description Months paid: first months, renewals and gifted months. */
                                    months: number;
                                    /** @description Moves up to this tier paid (the prorated difference). */
                                    upgrades: number;
                                    /** @description Different subscribers paid for. */
                                    subscribers: number;
                                }[];
                            };
                            /** @description What viewers’ unlocks of your locked posts and videos brought in the period. */
                            paidContent: {
                                /** @description Earned from unlocks in the period. */
                                diamonds: number;
                                /** @description Coins viewers paid. */
                                coins: number;
                                /** @description Posts and videos bought. */
                                unlocks: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/statements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your monthly statements
         * @description Creators only. One statement for each month (UTC) in which diamonds moved, newest first, from the ledger.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            statements: {
                                /** @description YYYY-MM, UTC. */
                                month: string;
                                openingDiamonds: number;
                                /** @description Gifts, paid messages, cheers, subscriptions and paid content: giftDiamonds + subscriptionDiamonds + paidContentDiamonds. */
                                earnedDiamonds: number;
                                /** @description Gifts, paid messages and cheers. */
                                giftDiamonds: number;
                                /** @description Subscription months and moves up. */
                                subscriptionDiamonds: number;
                                /** @description subscriptionDiamonds by the tier level paid for, lowest first. */
                                subscriptionsByTier: {
                                    tierLevel: number;
                                    diamonds: number;
                                }[];
                                /** @description Unlocks of locked posts and videos. */
                                paidContentDiamonds: number;
                                /** @description Payouts paid, less payouts returned. */
                                paidOutDiamonds: number;
                                /** @description Taken back after payers’ purchases were charged back. */
                                clawedBackDiamonds: number;
                                /** @description Anything else, signed, such as reversals. */
                                otherDiamonds: number;
                                /** @description opening + earned − paidOut − clawedBack + other. */
                                closingDiamonds: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/statements/{month}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One month's statement with its ledger entries, as JSON pages or a CSV export
         * @description Creators only. Entries are oldest first, each with the balance it left. format=csv (or Accept: text/csv) downloads up to 10000 entries (a subscription payment's row names its tierLevel); when more match, the response carries x-truncated: true and x-next-cursor to continue from.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Entries per page (JSON only). */
                    limit?: number;
                    /** @description nextCursor of the previous page. */
                    cursor?: string;
                    /** @description Left out: csv when the Accept header names text/csv, else json. */
                    format?: "json" | "csv";
                };
                header?: never;
                path: {
                    /** @description YYYY-MM. */
                    month: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            statement: {
                                /** @description YYYY-MM, UTC. */
                                month: string;
                                openingDiamonds: number;
                                /** @description Gifts, paid messages, cheers, subscriptions and paid content: giftDiamonds + subscriptionDiamonds + paidContentDiamonds. */
                                earnedDiamonds: number;
                                /** @description Gifts, paid messages and cheers. */
                                giftDiamonds: number;
                                /** @description Subscription months and moves up. */
                                subscriptionDiamonds: number;
                                /** @description subscriptionDiamonds by the tier level paid for, lowest first. */
                                subscriptionsByTier: {
                                    tierLevel: number;
                                    diamonds: number;
                                }[];
                                /** @description Unlocks of locked posts and videos. */
                                paidContentDiamonds: number;
                                /** @description Payouts paid, less payouts returned. */
                                paidOutDiamonds: number;
                                /** @description Taken back after payers’ purchases were charged back. */
                                clawedBackDiamonds: number;
                                /** @description Anything else, signed, such as reversals. */
                                otherDiamonds: number;
                                /** @description opening + earned − paidOut − clawedBack + other. */
                                closingDiamonds: number;
                            };
                            entries: {
                                transferId: string;
                                at: string;
                                /** @description gift, paid_message, cheer, subscription, content_unlock, payout_paid, payout_return, gift_clawback, …; reversal or transfer when the transfer names no kind. */
                                kind: string;
                                description: string;
                                diamondsIn: number;
                                diamondsOut: number;
                                balanceAfter: number;
                                /** @description For a subscription payment, the tier level it paid for; null otherwise. */
                                tierLevel: number | null;
                            }[];
                            nextCursor: string | null;
                        };
                        "text/csv": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/rate-card": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What you are paid: your share, diamonds per coin and the diamond’s value with its dates
         * @description Creators only. A diamond keeps the value in force when it was earned; a new value counts only for diamonds earned from its start.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Your share, in percent, of the diamonds the coins viewers pay are worth. */
                            sharePercent: number;
                            diamondsPerCoin: number;
                            current: {
                                /** @description Diamonds earned from this instant (inclusive) take this value; null for the first value, in force from the beginning. */
                                effectiveFrom: string | null;
                                /** @description When the next value starts (exclusive); null for the last. */
                                effectiveUntil: string | null;
                                /** @description One diamond in the currency’s major unit, exact, such as "0.005". */
                                amount: string;
                                currency: string;
                                /** @description The admin who set it; null for PAYOUT_DIAMOND_VALUE. */
                                setBy: string | null;
                            };
                            /** @description Every value, oldest first, scheduled ones included. */
                            diamondValues: {
                                /** @description Diamonds earned from this instant (inclusive) take this value; null for the first value, in force from the beginning. */
                                effectiveFrom: string | null;
                                /** @description When the next value starts (exclusive); null for the last. */
                                effectiveUntil: string | null;
                                /** @description One diamond in the currency’s major unit, exact, such as "0.005". */
                                amount: string;
                                currency: string;
                                /** @description The admin who set it; null for PAYOUT_DIAMOND_VALUE. */
                                setBy: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/diamond-values": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The diamond’s cash value over time */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Oldest first. */
                            diamondValues: {
                                /** @description Diamonds earned from this instant (inclusive) take this value; null for the first value, in force from the beginning. */
                                effectiveFrom: string | null;
                                /** @description When the next value starts (exclusive); null for the last. */
                                effectiveUntil: string | null;
                                /** @description One diamond in the currency’s major unit, exact, such as "0.005". */
                                amount: string;
                                currency: string;
                                /** @description The admin who set it; null for PAYOUT_DIAMOND_VALUE. */
                                setBy: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Set the diamond’s cash value from a future instant
         * @description Diamonds earned from effectiveFrom take the new value; those earned before keep theirs, in balances and payouts. effectiveFrom must be in the future (400 effective_date_not_future); a value already starting at that instant is 409 diamond_value_exists. The currency is PAYOUT_DIAMOND_VALUE’s.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description One diamond in the currency’s major unit, such as "0.006". */
                        amount: string;
                        /** @description ISO 8601 instant in the future. */
                        effectiveFrom: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            diamondValue: {
                                /** @description Diamonds earned from this instant (inclusive) take this value; null for the first value, in force from the beginning. */
                                effectiveFrom: string | null;
                                /** @description When the next value starts (exclusive); null for the last. */
                                effectiveUntil: string | null;
                                /** @description One diamond in the currency’s major unit, exact, such as "0.005". */
                                amount: string;
                                currency: string;
                                /** @description The admin who set it; null for PAYOUT_DIAMOND_VALUE. */
                                setBy: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/finance/balances": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Coins and diamonds outstanding at an instant, from the ledger
         * @description Sums the journal’s posted entries committed before `at` (default now) by account kind and asset. `format=csv` (or Accept: text/csv) answers CSV.
         */
        get: {
            parameters: {
                query?: {
                    /** @description The instant, exclusive: an ISO date (midnight UTC, such as 2026-03-01) or a date-time with a time zone (2026-03-01T09:30:00+09:00). */
                    at?: string;
                    /** @description Left out: csv when the Accept header names text/csv, else json. */
                    format?: "json" | "csv";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            at: string;
                            /** @description The sum of every viewer’s coin wallet. */
                            coinsOutstanding: number;
                            /** @description The sum of every creator’s diamond wallet, held diamonds included. */
                            diamondsOutstanding: number;
                            /** @description Each asset sums to zero. */
                            byKind: {
                                kind: string;
                                asset: string;
                                balance: number;
                            }[];
                        };
                        "text/csv": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{handle}/subscription-tiers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A creator's subscription tiers open to new subscribers, cheapest first
         * @description 404 user_not_found for an unknown handle. An empty list when the creator offers no subscription.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    handle: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tiers: {
                                creatorId: string;
                                /** @description 1, 2 or 3: a higher level is a dearer tier. */
                                level: number;
                                name: string;
                                /** @description The price of one month, in coins. */
                                priceCoins: number;
                                /** @description What subscribers on this tier get, as the creator lists it. */
                                perks: string[];
                                /** @description Chat emotes of this tier: its subscribers, and those of higher levels, may use them. */
                                emotes: {
                                    /** @description 2 to 20 letters and digits: `:code:` in a chat message shows the emote. Unique among the creator’s tiers, whatever the case. */
                                    code: string;
                                    /** @description An emoji (1 to 8 characters), or a picture on this server: a URL path such as /emotes/hype.png of at most 300 characters; no spaces. */
                                    image: string;
                                }[];
                                /** @description False once the creator closed the tier: nobody new may choose it; its subscribers renew at their price. */
                                open: boolean;
                                updatedAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/subscription-tiers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your subscription tiers, closed ones included */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tiers: {
                                creatorId: string;
                                /** @description 1, 2 or 3: a higher level is a dearer tier. */
                                level: number;
                                name: string;
                                /** @description The price of one month, in coins. */
                                priceCoins: number;
                                /** @description What subscribers on this tier get, as the creator lists it. */
                                perks: string[];
                                /** @description Chat emotes of this tier: its subscribers, and those of higher levels, may use them. */
                                emotes: {
                                    /** @description 2 to 20 letters and digits: `:code:` in a chat message shows the emote. Unique among the creator’s tiers, whatever the case. */
                                    code: string;
                                    /** @description An emoji (1 to 8 characters), or a picture on this server: a URL path such as /emotes/hype.png of at most 300 characters; no spaces. */
                                    image: string;
                                }[];
                                /** @description False once the creator closed the tier: nobody new may choose it; its subscribers renew at their price. */
                                open: boolean;
                                updatedAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        /**
         * Set your subscription tiers (up to three)
         * @description Each listed level is created or changed; a level left out is closed: nobody new may choose it, and its subscribers renew at the price they chose. A price change applies to new subscribers and upgrades, never to a running subscription. Prices rise with the level. Each tier may list chat emotes (`:code:` in chat shows them for its subscribers and those of higher levels); a tier listed without `emotes` keeps its own. 400 too_many_tiers, duplicate_tier_level, tier_prices_out_of_order, invalid_tier_name, invalid_tier_price, invalid_tier_perks, too_many_emotes, invalid_emote_code, invalid_emote_image or duplicate_emote_code.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        tiers: {
                            level: number;
                            /** @description 1 to 40 characters. */
                            name: string;
                            /** @description The price of one month in coins: 1 to 1,000,000, and dearer than every lower level. */
                            priceCoins: number;
                            /** @description Up to 10 perks of 1 to 120 characters. */
                            perks?: string[];
                            /** @description Up to 20 chat emotes; left out, the tier keeps the emotes it has (none for a new tier). */
                            emotes?: {
                                /** @description 2 to 20 letters and digits: `:code:` in a chat message shows the emote. Unique among the creator’s tiers, whatever the case. */
                                code: string;
                                /** @description An emoji (1 to 8 characters), or a picture on this server: a URL path such as /emotes/hype.png of at most 300 characters; no spaces. */
                                image: string;
                            }[];
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tiers: {
                                creatorId: string;
                                /** @description 1, 2 or 3: a higher level is a dearer tier. */
                                level: number;
                                name: string;
                                /** @description The price of one month, in coins. */
                                priceCoins: number;
                                /** @description What subscribers on this tier get, as the creator lists it. */
                                perks: string[];
                                /** @description Chat emotes of this tier: its subscribers, and those of higher levels, may use them. */
                                emotes: {
                                    /** @description 2 to 20 letters and digits: `:code:` in a chat message shows the emote. Unique among the creator’s tiers, whatever the case. */
                                    code: string;
                                    /** @description An emoji (1 to 8 characters), or a picture on this server: a URL path such as /emotes/hype.png of at most 300 characters; no spaces. */
                                    image: string;
                                }[];
                                /** @description False once the creator closed the tier: nobody new may choose it; its subscribers renew at their price. */
                                open: boolean;
                                updatedAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/subscribers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your subscribers with access now, longest-standing first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscribers: {
                                subscriptionId: string;
                                userId: string;
                                handle: string;
                                displayName: string;
                                tierLevel: number;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                streakMonths: number;
                                totalMonths: number;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                cancelAtPeriodEnd: boolean;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your subscriptions, newest first, ended ones included */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscriptions: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Subscribe to a creator and pay the first month in coins
         * @description Needs an Idempotency-Key: a retry with the same key subscribes once and answers the same payment (idempotent-replayed: true). The month starts now; it renews on the same day each month from your coins until cancelled. Subscribing again after an end starts a new streak. Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, 403 age_restricted or account_restricted, 409 tier_closed. Paying with a saved card: 402 with the decline (card_declined, insufficient_funds, authentication_failed), 403 budget_exceeded, 429 purchase_limit_reached, 404 card_not_found; the card is charged at most once for a month, however often it is retried. Also 404 tier_not_found, 400 cannot_subscribe_to_yourself, 409 already_subscribed (change the tier instead).
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        creatorId: string;
                        /** @description The tier level: 1, 2 or 3. */
                        level: number;
                        /** @description Required (true) when the charge is GIFT_CONFIRM_COINS coins or more (5,000 by default). */
                        confirm?: boolean;
                        /** @description A saved card of yours (GET /api/v1/me/cards): each month its coins are bought with it, charged without you present and counted against your budget, then spent on the month. Left out, your coins pay. */
                        cardId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscription: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            };
                            payment: {
                                /** @description The ledger transfer that paid. */
                                transferId: string;
                                subscriptionId: string;
                                /** @description period (a month) or upgrade (the prorated difference of a dearer tier for the rest of the period). */
                                kind: "period" | "upgrade";
                                /** @description The period paid for, counted from 1 over the life of the subscription. */
                                periodIndex: number;
                                tierLevel: number;
                                coins: number;
                                /** @description The creator's diamonds: their share of the coins' value, as for gifts. */
                                diamonds: number;
                                periodStart: string;
                                periodEnd: string;
                                streakMonths: number;
                                paidAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/subscription-gifts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Gift subscriptions in a live: to one named viewer, or to viewers drawn from the room
         * @description Send `recipientId` (with `months`, 1 to 12) to gift one viewer, or `count` (1 to 50) to gift a month each to viewers in the room drawn at random among those with no subscription to the creator. One transfer from your coins pays every month; the room announces the gift. A gifted subscription ends with its months unless its recipient renews it themselves. Needs an Idempotency-Key: a retry pays once and answers the same recipients. Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, 403 age_restricted or account_restricted, 409 tier_closed. Paying with a saved card: 402 with the decline (card_declined, insufficient_funds, authentication_failed), 403 budget_exceeded, 429 purchase_limit_reached, 404 card_not_found; the card is charged at most once for a month, however often it is retried. Also 400 invalid_recipient (both or neither of recipientId and count), invalid_months, invalid_count, cannot_gift_yourself; 404 tier_not_found; 409 live_ended, recipient_not_eligible (the named viewer already subscribes, or cannot receive it), not_enough_viewers (says how many could be gifted), recipient_unavailable.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The tier level: 1, 2 or 3. */
                        level: number;
                        recipientId?: string;
                        /** @description For a named recipient: 1 to 12 (1 when left out). */
                        months?: number;
                        /** @description Viewers to draw from the room: 1 to 50. */
                        count?: number;
                        /** @description Required (true) when the charge is GIFT_CONFIRM_COINS coins or more (5,000 by default). */
                        confirm?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            gift: {
                                id: string;
                                liveId: string;
                                gifterId: string;
                                gifterName: string;
                                creatorId: string;
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description Months each recipient was given. */
                                months: number;
                                /** @description What the gifter paid for all of them. */
                                coins: number;
                                recipients: {
                                    userId: string;
                                    handle: string;
                                    displayName: string;
                                }[];
                                /** @description The ledger transfer that paid; null only while it is being paid. */
                                transferId: string | null;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One of your subscriptions, with every payment, newest first
         * @description 404 subscription_not_found for another user’s subscription.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscription: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            };
                            payments: {
                                /** @description The ledger transfer that paid. */
                                transferId: string;
                                subscriptionId: string;
                                /** @description period (a month) or upgrade (the prorated difference of a dearer tier for the rest of the period). */
                                kind: "period" | "upgrade";
                                /** @description The period paid for, counted from 1 over the life of the subscription. */
                                periodIndex: number;
                                tierLevel: number;
                                coins: number;
                                /** @description The creator's diamonds: their share of the coins' value, as for gifts. */
                                diamonds: number;
                                periodStart: string;
                                periodEnd: string;
                                streakMonths: number;
                                paidAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel at the end of the period
         * @description Access lasts until currentPeriodEnd and nothing more is charged; the month paid is not refunded. A past-due subscription ends at once. Cancelling again changes nothing. 409 subscription_ended.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscription: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Take back a cancel before the period ends
         * @description It renews again as before. 409 subscription_ended once it has ended (subscribe again instead).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscription: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{id}/tier": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move to another tier: up at once, down at the next renewal
         * @description Moving up charges the difference of the monthly prices for the time left in the period, rounded down to whole coins (at least 1), and the new tier applies at once; renewals then charge its price. Moving down charges nothing and takes effect at the next renewal (nextTier); choosing the current tier drops a pending move down. Needs an Idempotency-Key. Answers `payment` for a move up, null otherwise. Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, 403 age_restricted or account_restricted, 409 tier_closed. Paying with a saved card: 402 with the decline (card_declined, insufficient_funds, authentication_failed), 403 budget_exceeded, 429 purchase_limit_reached, 404 card_not_found; the card is charged at most once for a month, however often it is retried. Also 409 subscription_past_due, subscription_ended or renewal_due.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The tier level: 1, 2 or 3. */
                        level: number;
                        /** @description Required (true) when the charge is GIFT_CONFIRM_COINS coins or more (5,000 by default). */
                        confirm?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscription: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            };
                            payment: {
                                /** @description The ledger transfer that paid. */
                                transferId: string;
                                subscriptionId: string;
                                /** @description period (a month) or upgrade (the prorated difference of a dearer tier for the rest of the period). */
                                kind: "period" | "upgrade";
                                /** @description The period paid for, counted from 1 over the life of the subscription. */
                                periodIndex: number;
                                tierLevel: number;
                                coins: number;
                                /** @description The creator's diamonds: their share of the coins' value, as for gifts. */
                                diamonds: number;
                                periodStart: string;
                                periodEnd: string;
                                streakMonths: number;
                                paidAt: string;
                            } | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{id}/payment-method": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pay the next months with a saved card, or from your coins
         * @description `cardId` names a saved card of yours that buys each month’s coins before they are spent on it; null pays from the coins you hold. After a card was declined, choose another and renew (POST …/renew). A card that is not yours, or removed, is refused when it is next charged (404 card_not_found). 409 subscription_ended.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        cardId: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscription: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{id}/renew": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pay a past-due renewal now
         * @description After recharging, rather than waiting for the next retry. The month runs from when the last one ended, so the streak goes on. 402 insufficient_coins, 403 when the account may not pay, 409 nothing_to_renew.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscription: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Subscriptions, newest first, by subscriber, creator and status */
        get: {
            parameters: {
                query?: {
                    subscriberId?: string;
                    creatorId?: string;
                    /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                    status?: "new" | "active" | "past_due" | "ended";
                    /** @description nextCursor of the previous page. */
                    after?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscriptions: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/subscriptions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a subscription at its period end, or end it now
         * @description With `now: true` access ends at once (endedReason closed_by_admin); either way nothing paid is refunded. 404 subscription_not_found, 409 subscription_ended.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description true ends access at once; false cancels at the period end. */
                        now: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscription: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/premium": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The platform's premium plan: price, perks and whether it takes new members
         * @description 404 premium_not_offered when the operator never set one up.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            plan: {
                                name: string;
                                /** @description The price of one month, in coins. */
                                priceCoins: number;
                                /** @description The plan’s perks, as people read them. */
                                perks: string[];
                                /** @description False once the operator closed it: nobody new may join; members renew at their price. */
                                open: boolean;
                                /** @description Bonus coins, in percent of the coins bought, on every purchase a member makes: 0 to 100. */
                                purchaseBonusPercent: number;
                                /** @description Whether members see no ads in the operator’s app; the entitlements API tells the app. */
                                adFree: boolean;
                                /** @description Shown beside a member’s name, such as ⭐: 1 to 8 characters. */
                                badge: string;
                                updatedAt: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Join the premium plan and pay the first month in coins
         * @description A subscription to the platform: it renews, lapses, cancels and resumes as creator subscriptions do, under /api/v1/subscriptions/:id; the coins go to the platform. Needs an Idempotency-Key. Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, 403 age_restricted or account_restricted, 409 tier_closed. Paying with a saved card: 402 with the decline (card_declined, insufficient_funds, authentication_failed), 403 budget_exceeded, 429 purchase_limit_reached, 404 card_not_found; the card is charged at most once for a month, however often it is retried. Also 404 premium_not_offered, 409 already_subscribed.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Required (true) when the charge is GIFT_CONFIRM_COINS coins or more (5,000 by default). */
                        confirm?: boolean;
                        /** @description A saved card of yours (GET /api/v1/me/cards): each month its coins are bought with it, charged without you present and counted against your budget, then spent on the month. Left out, your coins pay. */
                        cardId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscription: {
                                id: string;
                                subscriberId: string;
                                subscriberName: string;
                                creatorId: string;
                                creatorHandle: string;
                                creatorName: string;
                                /** @description new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason). */
                                status: "new" | "active" | "past_due" | "ended";
                                /** @description The tier of the current period. */
                                tier: {
                                    level: number;
                                    name: string;
                                };
                                /** @description What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it. */
                                priceCoins: number;
                                /** @description A downgrade that takes effect at the next renewal; null when none. */
                                nextTier: {
                                    level: number;
                                    name: string;
                                    priceCoins: number;
                                } | null;
                                /** @description True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge. */
                                cancelAtPeriodEnd: boolean;
                                /** @description Null before the first payment. */
                                currentPeriodStart: string | null;
                                /** @description Null before the first payment. */
                                currentPeriodEnd: string | null;
                                /** @description When the next month is charged; null once cancelled or ended. */
                                renewsAt: string | null;
                                /** @description While past_due: the renewal may still be paid until then, else the subscription ends. */
                                graceEndsAt: string | null;
                                /** @description Whether the subscriber has the perks now: active, or past_due within its grace. */
                                hasAccess: boolean;
                                /** @description Months paid in a row without a lapse. */
                                streakMonths: number;
                                /** @description Months paid ever. */
                                totalMonths: number;
                                /** @description The error code of the last failed renewal, such as insufficient_coins. */
                                lastFailure: string | null;
                                /** @description When access ended. */
                                endedAt: string | null;
                                /** @description canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin). */
                                endedReason: ("canceled" | "payment_failed" | "closed_by_admin") | null;
                                /** @description The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay. */
                                cardId: string | null;
                                createdAt: string;
                            };
                            payment: {
                                /** @description The ledger transfer that paid. */
                                transferId: string;
                                subscriptionId: string;
                                /** @description period (a month) or upgrade (the prorated difference of a dearer tier for the rest of the period). */
                                kind: "period" | "upgrade";
                                /** @description The period paid for, counted from 1 over the life of the subscription. */
                                periodIndex: number;
                                tierLevel: number;
                                coins: number;
                                /** @description The creator's diamonds: their share of the coins' value, as for gifts. */
                                diamonds: number;
                                periodStart: string;
                                periodEnd: string;
                                streakMonths: number;
                                paidAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/premium": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set up or change the premium plan
         * @description A new price applies to new members; current members renew at the price they joined at. `open: false` stops new members. 400 invalid_tier_name, invalid_tier_price, invalid_tier_perks, invalid_badge or invalid_bonus.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description 1 to 40 characters. */
                        name: string;
                        /** @description The price of one month in coins: 1 to 1,000,000. */
                        priceCoins: number;
                        /** @description Up to 10 perks of 1 to 120 characters. */
                        perks?: string[];
                        /** @description Whether new members may join. */
                        open: boolean;
                        /** @description Bonus coins, in percent of the coins bought, on every purchase a member makes: 0 to 100. */
                        purchaseBonusPercent: number;
                        /** @description Whether members see no ads in the operator’s app; the entitlements API tells the app. */
                        adFree: boolean;
                        /** @description Shown beside a member’s name, such as ⭐: 1 to 8 characters. */
                        badge: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            plan: {
                                name: string;
                                /** @description The price of one month, in coins. */
                                priceCoins: number;
                                /** @description The plan’s perks, as people read them. */
                                perks: string[];
                                /** @description False once the operator closed it: nobody new may join; members renew at their price. */
                                open: boolean;
                                /** @description Bonus coins, in percent of the coins bought, on every purchase a member makes: 0 to 100. */
                                purchaseBonusPercent: number;
                                /** @description Whether members see no ads in the operator’s app; the entitlements API tells the app. */
                                adFree: boolean;
                                /** @description Shown beside a member’s name, such as ⭐: 1 to 8 characters. */
                                badge: string;
                                updatedAt: string;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/entitlements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What your account gives you now: premium membership and its perks
         * @description Whether an item of paid content is yours is answered per item, by GET /api/v1/content/:creatorId/:contentId/access.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            premium: {
                                /** @description Whether the user is a member now (paid, or past due within its grace). */
                                active: boolean;
                                /** @description The membership, to manage under /api/v1/subscriptions; null when not a member. */
                                subscriptionId: string | null;
                                /** @description The end of the paid month. */
                                until: string | null;
                                /** @description False once cancelled: the membership ends at `until`. */
                                renews: boolean;
                                adFree: boolean;
                                /** @description The member badge; null for others. */
                                badge: string | null;
                                /** @description The bonus on coins the user buys now; 0 for others. */
                                purchaseBonusPercent: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{id}/entitlements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What a user's account gives them now, for the operator's own servers (ad-free, premium badge) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            premium: {
                                /** @description Whether the user is a member now (paid, or past due within its grace). */
                                active: boolean;
                                /** @description The membership, to manage under /api/v1/subscriptions; null when not a member. */
                                subscriptionId: string | null;
                                /** @description The end of the paid month. */
                                until: string | null;
                                /** @description False once cancelled: the membership ends at `until`. */
                                renews: boolean;
                                adFree: boolean;
                                /** @description The member badge; null for others. */
                                badge: string | null;
                                /** @description The bonus on coins the user buys now; 0 for others. */
                                purchaseBonusPercent: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your locked posts and videos, by content id */
        get: {
            parameters: {
                query?: {
                    /** @description nextCursor of the previous page. */
                    after?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            locks: {
                                creatorId: string;
                                contentId: string;
                                kind: "post" | "video";
                                /** @description What unlocking it for good costs, in coins; null when it cannot be bought. */
                                priceCoins: number | null;
                                /** @description Subscribers at this tier level or higher see it while their subscription gives access; null when no tier does. */
                                minTierLevel: number | null;
                                /** @description Viewers who bought it. */
                                unlocks: number;
                                createdAt: string;
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/content/{contentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Lock a post or video behind a coin price, a subscription tier, or either
         * @description Creates or changes the lock. priceCoins (1 to 1,000,000) lets a viewer buy it for good; minTierLevel (1 to 3) lets subscribers at that level or higher see it while subscribed. Unlocks already bought stay whatever the lock becomes. 400 invalid_content_price, invalid_tier_level, lock_needs_price_or_tier.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The operator's id of the post or video: 1 to 64 of A-Z, a-z, 0-9, _ and -. */
                    contentId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        kind: "post" | "video";
                        /** @description The price in coins, 1 to 1,000,000; null or left out when it cannot be bought. */
                        priceCoins?: number | null;
                        /** @description The lowest subscription tier level (1 to 3) that sees it; null or left out when no tier does. */
                        minTierLevel?: number | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            lock: {
                                creatorId: string;
                                contentId: string;
                                kind: "post" | "video";
                                /** @description What unlocking it for good costs, in coins; null when it cannot be bought. */
                                priceCoins: number | null;
                                /** @description Subscribers at this tier level or higher see it while their subscription gives access; null when no tier does. */
                                minTierLevel: number | null;
                                /** @description Viewers who bought it. */
                                unlocks: number;
                                createdAt: string;
                                updatedAt: string;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /**
         * Remove the lock: the item is free to see
         * @description 404 content_not_locked.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The operator's id of the post or video: 1 to 64 of A-Z, a-z, 0-9, _ and -. */
                    contentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/content/{creatorId}/{contentId}/unlock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Buy a locked post or video for good, in coins
         * @description Needs an Idempotency-Key. One ledger transfer pays the price from your coins, with the creator’s diamonds at their share, as a gift pays them. You pay for an item once: 201 when this request paid; 200 with the same unlock when an earlier request did (idempotent-replayed: true for a retry with the same key). Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, 403 age_restricted or account_restricted, 409 content_not_locked (it is free) or not_for_sale (tier only), 400 cannot_unlock_own_content.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path: {
                    creatorId: string;
                    /** @description The operator's id of the post or video: 1 to 64 of A-Z, a-z, 0-9, _ and -. */
                    contentId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Required (true) when the price is GIFT_CONFIRM_COINS coins or more (5,000 by default). */
                        confirm?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            unlock: {
                                /** @description The ledger transfer that paid. */
                                transferId: string;
                                viewerId: string;
                                creatorId: string;
                                contentId: string;
                                kind: "post" | "video";
                                coins: number;
                                /** @description The creator's diamonds: their share of the coins' value, as for gifts. */
                                diamonds: number;
                                unlockedAt: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            unlock: {
                                /** @description The ledger transfer that paid. */
                                transferId: string;
                                viewerId: string;
                                creatorId: string;
                                contentId: string;
                                kind: "post" | "video";
                                coins: number;
                                /** @description The creator's diamonds: their share of the coins' value, as for gifts. */
                                diamonds: number;
                                unlockedAt: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/content/{creatorId}/{contentId}/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether you may see a post or video, and why
         * @description allowed with reason creator, free, unlocked (with transferId) or subscriber (with tierLevel); or not allowed (reason locked) with the price or tier level needed.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    creatorId: string;
                    /** @description The operator's id of the post or video: 1 to 64 of A-Z, a-z, 0-9, _ and -. */
                    contentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            access: {
                                userId: string;
                                creatorId: string;
                                contentId: string;
                                /** @description Whether the user may see the item now. */
                                allowed: boolean;
                                /** @description creator (their own content), free (not locked), unlocked (bought: see transferId), subscriber (a subscription at tierLevel gives access now), locked (not allowed: see lock for the price or tier needed). */
                                reason: "creator" | "free" | "unlocked" | "subscriber" | "locked";
                                /** @description For unlocked: the transfer that paid. */
                                transferId: string | null;
                                /** @description For subscriber: the user's tier level now. */
                                tierLevel: number | null;
                                /** @description The lock; null for content that is not locked. */
                                lock: {
                                    kind: "post" | "video";
                                    /** @description Null when it cannot be bought. */
                                    priceCoins: number | null;
                                    /** @description Null when no tier sees it. */
                                    minTierLevel: number | null;
                                } | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/content/{creatorId}/{contentId}/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether a user may see a post or video, and why: for the operator's server
         * @description The same answer the user gets from /api/v1/content/:creatorId/:contentId/access. 404 user_not_found.
         */
        get: {
            parameters: {
                query: {
                    userId: string;
                };
                header?: never;
                path: {
                    creatorId: string;
                    /** @description The operator's id of the post or video: 1 to 64 of A-Z, a-z, 0-9, _ and -. */
                    contentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            access: {
                                userId: string;
                                creatorId: string;
                                contentId: string;
                                /** @description Whether the user may see the item now. */
                                allowed: boolean;
                                /** @description creator (their own content), free (not locked), unlocked (bought: see transferId), subscriber (a subscription at tierLevel gives access now), locked (not allowed: see lock for the price or tier needed). */
                                reason: "creator" | "free" | "unlocked" | "subscriber" | "locked";
                                /** @description For unlocked: the transfer that paid. */
                                transferId: string | null;
                                /** @description For subscriber: the user's tier level now. */
                                tierLevel: number | null;
                                /** @description The lock; null for content that is not locked. */
                                lock: {
                                    kind: "post" | "video";
                                    /** @description Null when it cannot be bought. */
                                    priceCoins: number | null;
                                    /** @description Null when no tier sees it. */
                                    minTierLevel: number | null;
                                } | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rankings/creators": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Creators paid the most diamonds in an hour, a day or a week
         * @description Periods are UTC; a week starts on Monday. Counts gifts, paid messages and cheers from the moment they are sent.
         */
        get: {
            parameters: {
                query?: {
                    period?: "hour" | "day" | "week";
                    /** @description An instant (ISO 8601) in the period to show; now when left out. */
                    at?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            period: string;
                            /** @description The first instant of the period (UTC); null for all time. */
                            periodStart: string | null;
                            creators: {
                                rank: number;
                                userId: string;
                                handle: string;
                                displayName: string;
                                coins: number;
                                diamonds: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rankings/creators/{handle}/gifters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A creator's biggest gifters by coins in a day, a week, a month or all time, with their gifter levels
         * @description Periods are UTC; a week starts on Monday. 404 user_not_found or creator_not_found.
         */
        get: {
            parameters: {
                query?: {
                    period?: "day" | "week" | "month" | "all";
                    /** @description An instant (ISO 8601) in the period to show; now when left out. */
                    at?: string;
                    limit?: number;
                };
                header?: never;
                path: {
                    handle: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            period: string;
                            /** @description The first instant of the period (UTC); null for all time. */
                            periodStart: string | null;
                            gifters: {
                                rank: number;
                                userId: string;
                                handle: string;
                                displayName: string;
                                coins: number;
                                level: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/gifter-level": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your gifter level: from your lifetime coins paid to creators */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            level: number;
                            /** @description Lifetime coins paid to creators in gifts, paid messages and cheers. */
                            coins: number;
                            /** @description Lifetime coins the next level needs; null at the top level. */
                            nextLevelCoins: number | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/guests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Invite a creator on your live’s stage
         * @description The live's host only (others: 403 not_your_live). The invited creator accepts with POST /api/v1/lives/:id/guests/accept; a live has at most 8 guests on stage.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        userId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            guest: {
                                liveId: string;
                                guestId: string;
                                status: "invited" | "on_stage" | "left";
                                invitedAt: string;
                                joinedAt: string | null;
                                leftAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/guests/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Step on a live’s stage you were invited to
         * @description 404 no_invitation without an invitation; 409 stage_full when 8 guests are on stage. The room hears of it (a stage event).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            guest: {
                                liveId: string;
                                guestId: string;
                                status: "invited" | "on_stage" | "left";
                                invitedAt: string;
                                joinedAt: string | null;
                                leftAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/guests/{userId}/leave": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Leave a live’s stage, or take a guest off your live’s stage
         * @description The guest themself or the live’s host (others: 403 not_your_live).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            guest: {
                                liveId: string;
                                guestId: string;
                                status: "invited" | "on_stage" | "left";
                                invitedAt: string;
                                joinedAt: string | null;
                                leftAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/stage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who is on a live’s stage
         * @description The host and the guests on stage now; gift a guest with recipientId on POST /api/v1/lives/:id/gifts.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            stage: {
                                liveId: string;
                                host: {
                                    userId: string;
                                    handle: string;
                                    displayName: string;
                                };
                                guests: {
                                    userId: string;
                                    handle: string;
                                    displayName: string;
                                }[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/battles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Propose a battle between your live and another creator’s
         * @description From the creator of liveId (others: 403 not_your_live). 60 to 600 seconds; 409 live_in_battle when either live already has a battle proposed or running. The other creator accepts or declines it.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        liveId: string;
                        opponentLiveId: string;
                        durationSeconds: number;
                        /** @default solo */
                        mode?: "solo" | "team";
                        /** @description Only this gift scores. */
                        giftId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            battle: {
                                id: string;
                                /** @description solo: gifts to each live's host score; team: gifts to anyone on each live's stage score. */
                                mode: "solo" | "team";
                                /** @description Only this gift scores; null: every gift, paid message and cheer. */
                                giftId: string | null;
                                durationSeconds: number;
                                status: "proposed" | "running" | "ended" | "declined";
                                proposedAt: string;
                                /** @description Scoring starts here, a few seconds after acceptance. */
                                startsAt: string | null;
                                /** @description From here to the end each scoring gift counts boostMultiplier times its coins. */
                                boostAt: string | null;
                                /** @description A gift that commits at or after this never scores. */
                                endsAt: string | null;
                                boostMultiplier: number;
                                sides: {
                                    side: "a" | "b";
                                    liveId: string;
                                    creatorId: string;
                                    score: number;
                                    /** @description Named with the result; empty until then. */
                                    topSupporters: {
                                        userId: string;
                                        displayName: string;
                                        score: number;
                                    }[];
                                }[];
                                /** @description Recorded once when the battle ends; null before. */
                                winner: ("a" | "b") | "tie" | null;
                                endedAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/battles/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept a battle proposed to you
         * @description The creator it was proposed to only (others: 403 not_your_battle); 409 battle_not_proposed once answered. Scoring starts a few seconds later (startsAt).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            battle: {
                                id: string;
                                /** @description solo: gifts to each live's host score; team: gifts to anyone on each live's stage score. */
                                mode: "solo" | "team";
                                /** @description Only this gift scores; null: every gift, paid message and cheer. */
                                giftId: string | null;
                                durationSeconds: number;
                                status: "proposed" | "running" | "ended" | "declined";
                                proposedAt: string;
                                /** @description Scoring starts here, a few seconds after acceptance. */
                                startsAt: string | null;
                                /** @description From here to the end each scoring gift counts boostMultiplier times its coins. */
                                boostAt: string | null;
                                /** @description A gift that commits at or after this never scores. */
                                endsAt: string | null;
                                boostMultiplier: number;
                                sides: {
                                    side: "a" | "b";
                                    liveId: string;
                                    creatorId: string;
                                    score: number;
                                    /** @description Named with the result; empty until then. */
                                    topSupporters: {
                                        userId: string;
                                        displayName: string;
                                        score: number;
                                    }[];
                                }[];
                                /** @description Recorded once when the battle ends; null before. */
                                winner: ("a" | "b") | "tie" | null;
                                endedAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/battles/{id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decline a battle proposed to you, or withdraw yours
         * @description Either of its two creators (others: 403 not_your_battle), while it is proposed.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            battle: {
                                id: string;
                                /** @description solo: gifts to each live's host score; team: gifts to anyone on each live's stage score. */
                                mode: "solo" | "team";
                                /** @description Only this gift scores; null: every gift, paid message and cheer. */
                                giftId: string | null;
                                durationSeconds: number;
                                status: "proposed" | "running" | "ended" | "declined";
                                proposedAt: string;
                                /** @description Scoring starts here, a few seconds after acceptance. */
                                startsAt: string | null;
                                /** @description From here to the end each scoring gift counts boostMultiplier times its coins. */
                                boostAt: string | null;
                                /** @description A gift that commits at or after this never scores. */
                                endsAt: string | null;
                                boostMultiplier: number;
                                sides: {
                                    side: "a" | "b";
                                    liveId: string;
                                    creatorId: string;
                                    score: number;
                                    /** @description Named with the result; empty until then. */
                                    topSupporters: {
                                        userId: string;
                                        displayName: string;
                                        score: number;
                                    }[];
                                }[];
                                /** @description Recorded once when the battle ends; null before. */
                                winner: ("a" | "b") | "tie" | null;
                                endedAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/battles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One battle, with its score or result */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            battle: {
                                id: string;
                                /** @description solo: gifts to each live's host score; team: gifts to anyone on each live's stage score. */
                                mode: "solo" | "team";
                                /** @description Only this gift scores; null: every gift, paid message and cheer. */
                                giftId: string | null;
                                durationSeconds: number;
                                status: "proposed" | "running" | "ended" | "declined";
                                proposedAt: string;
                                /** @description Scoring starts here, a few seconds after acceptance. */
                                startsAt: string | null;
                                /** @description From here to the end each scoring gift counts boostMultiplier times its coins. */
                                boostAt: string | null;
                                /** @description A gift that commits at or after this never scores. */
                                endsAt: string | null;
                                boostMultiplier: number;
                                sides: {
                                    side: "a" | "b";
                                    liveId: string;
                                    creatorId: string;
                                    score: number;
                                    /** @description Named with the result; empty until then. */
                                    topSupporters: {
                                        userId: string;
                                        displayName: string;
                                        score: number;
                                    }[];
                                }[];
                                /** @description Recorded once when the battle ends; null before. */
                                winner: ("a" | "b") | "tie" | null;
                                endedAt: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/battle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A live’s battle proposed or running, if any */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            battle: {
                                id: string;
                                /** @description solo: gifts to each live's host score; team: gifts to anyone on each live's stage score. */
                                mode: "solo" | "team";
                                /** @description Only this gift scores; null: every gift, paid message and cheer. */
                                giftId: string | null;
                                durationSeconds: number;
                                status: "proposed" | "running" | "ended" | "declined";
                                proposedAt: string;
                                /** @description Scoring starts here, a few seconds after acceptance. */
                                startsAt: string | null;
                                /** @description From here to the end each scoring gift counts boostMultiplier times its coins. */
                                boostAt: string | null;
                                /** @description A gift that commits at or after this never scores. */
                                endsAt: string | null;
                                boostMultiplier: number;
                                sides: {
                                    side: "a" | "b";
                                    liveId: string;
                                    creatorId: string;
                                    score: number;
                                    /** @description Named with the result; empty until then. */
                                    topSupporters: {
                                        userId: string;
                                        displayName: string;
                                        score: number;
                                    }[];
                                }[];
                                /** @description Recorded once when the battle ends; null before. */
                                winner: ("a" | "b") | "tie" | null;
                                endedAt: string | null;
                            } | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lives/{id}/goal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A live's goal and its progress
         * @description Null when the live shows no goal. The room socket carries the same goal in its welcome and goal events (docs/live-protocol.md).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            goal: {
                                id: string;
                                liveId: string;
                                /** @description coins: every coin paid into the live; gift: how many of one gift. */
                                kind: "coins" | "gift";
                                /** @description The gift counted, for a gift goal; null for coins. */
                                giftId: string | null;
                                title: string;
                                /** @description Coins, or gifts of giftId, to reach. */
                                target: number;
                                /** @description Coins, or gifts, paid into the live since the goal was set; keeps counting past the target. */
                                progress: number;
                                /** @description When a payment reached the target; null until then. */
                                completedAt: string | null;
                                createdAt: string;
                            } | null;
                        };
                    };
                };
            };
        };
        /**
         * Set a goal for your live
         * @description Coins paid into the live (gifts, paid messages and cheers), or a count of one gift, counted from now on. The goal completes once, with the payment that reaches it (a `goal.completed` webhook event and a `goal_completed` room event). One goal at a time: 409 goal_in_progress while the shown one is not reached (clear it first); a goal reached is replaced. The live's creator only (others: 403 not_your_live); 409 live_ended once over.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description coins: every coin paid into the live; gift: how many of one gift. */
                        kind: "coins" | "gift";
                        target: number;
                        /** @description The gift a gift goal counts; left out for coins. */
                        giftId?: string;
                        /** @description 1 to 60 characters; the target in words when left out. */
                        title?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            goal: {
                                id: string;
                                liveId: string;
                                /** @description coins: every coin paid into the live; gift: how many of one gift. */
                                kind: "coins" | "gift";
                                /** @description The gift counted, for a gift goal; null for coins. */
                                giftId: string | null;
                                title: string;
                                /** @description Coins, or gifts of giftId, to reach. */
                                target: number;
                                /** @description Coins, or gifts, paid into the live since the goal was set; keeps counting past the target. */
                                progress: number;
                                /** @description When a payment reached the target; null until then. */
                                completedAt: string | null;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /**
         * Take your live's goal down
         * @description The room hears a `goal_cleared` event. The live's creator only (others: 403 not_your_live); 404 goal_not_found when none is shown.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            goal: {
                                id: string;
                                liveId: string;
                                /** @description coins: every coin paid into the live; gift: how many of one gift. */
                                kind: "coins" | "gift";
                                /** @description The gift counted, for a gift goal; null for coins. */
                                giftId: string | null;
                                title: string;
                                /** @description Coins, or gifts of giftId, to reach. */
                                target: number;
                                /** @description Coins, or gifts, paid into the live since the goal was set; keeps counting past the target. */
                                progress: number;
                                /** @description When a payment reached the target; null until then. */
                                completedAt: string | null;
                                createdAt: string;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creator/fan-club": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set up your fan club: the gift viewers send to join, and its badge name
         * @description A viewer joins by sending you the gift; members already in stay in when it changes. `name` is 1 to 12 characters. Creators only.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        giftId: string;
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            fanClub: {
                                creatorId: string;
                                /** @description Shown on the badge of its members in the creator’s room. */
                                name: string;
                                /** @description Send this gift to the creator to join. */
                                giftId: string;
                                giftName: string;
                                giftCoins: number;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creators/{handle}/fan-club": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A creator's fan club: how to join
         * @description 404 user_not_found, or fan_club_not_found when the creator has none.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    handle: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            fanClub: {
                                creatorId: string;
                                /** @description Shown on the badge of its members in the creator’s room. */
                                name: string;
                                /** @description Send this gift to the creator to join. */
                                giftId: string;
                                giftName: string;
                                giftCoins: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/creators/{handle}/fan-club/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your standing in a creator's fan club: your fan level and what it comes from
         * @description The rule is in docs/levels.md (Fan clubs). A viewer not in the club is answered `member: false`, level 0.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    handle: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            standing: {
                                member: boolean;
                                clubName: string | null;
                                /** @description Shown now, decay applied; 0 when not a member. */
                                level: number;
                                points: number;
                                /** @description Coins paid the creator since joining, the joining gift included. */
                                coins: number;
                                daysWatched: number;
                                /** @description The last UTC day with a payment to the creator or a watch. */
                                lastActiveDay: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sandbox/app-store/purchases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Buy an app-channel package in the sandbox app store, as the store’s device SDK would; answers the signed receipt */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description An app-channel package id, such as pkg_app_700. */
                        productId: string;
                        /** @description Region of the store account that pays. */
                        storefront: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            receipt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sandbox/checkout/{orderId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pay an order with a sandbox test card
         * @description 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 is declined for insufficient funds; 4000 0000 0000 3220 requires a challenge step; 4000 0000 0000 0259 succeeds and is charged back later; 4000 0000 0000 0341 succeeds here, and once saved (POST /api/v1/me/cards) only its first charge succeeds. Crediting follows asynchronously, from the webhook.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    orderId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        card: string;
                        /** @description How the sandbox delivers this payment’s webhooks (tests): chaos (default: random delays, some twice), once, twice, or drop. */
                        webhooks?: "chaos" | "once" | "twice" | "drop";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A coin purchase. Coins are credited once the payment succeeds (status succeeded). */
                            order: {
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sandbox/checkout/{orderId}/challenge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Complete (approve) or fail the challenge step of card 4000 0000 0000 3220 */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    orderId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        approve: boolean;
                        /** @description How the sandbox delivers this payment’s webhooks (tests): chaos (default: random delays, some twice), once, twice, or drop. */
                        webhooks?: "chaos" | "once" | "twice" | "drop";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description A coin purchase. Coins are credited once the payment succeeds (status succeeded). */
                            order: {
                                id: string;
                                status: "created" | "requires_action" | "processing" | "succeeded" | "failed" | "canceled" | "disputed" | "refunded";
                                packageId: string | null;
                                channel: "web" | "app";
                                region: string;
                                coins: number;
                                bonusCoins: number;
                                totalCoins: number;
                                price: {
                                    /** @description In the currency’s minor unit (cents; yen). */
                                    amount: number;
                                    currency: string;
                                };
                                promotions: {
                                    id: string;
                                    kind: string;
                                    bonusPercent: number;
                                }[];
                                provider: string;
                                failure: {
                                    code: string;
                                    message: string;
                                } | null;
                                creditTransferId: string | null;
                                refund: {
                                    transferId: string;
                                    reason: string;
                                } | null;
                                createdAt: string;
                                creditedAt: string | null;
                                checkout: {
                                    provider: string;
                                    url: string;
                                    /** @description For Stripe.js to confirm the payment; given when the order is placed and when it is checked. */
                                    clientSecret?: string;
                                } | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/sandbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Payment events from the sandbox provider, checked against its signature */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            received: true;
                            result: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dev/mailbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Mails the server would have sent (only when not in production and SMTP_URL is unset) */
        get: {
            parameters: {
                query?: {
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            mails: {
                                id: number;
                                to: string;
                                subject: string;
                                text: string;
                                sentAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
