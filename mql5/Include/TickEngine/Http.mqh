//+------------------------------------------------------------------+
//| Http.mqh - HTTP for Tick Engine EAs: WebRequest with the right    |
//| headers, a body without StringToCharArray's trailing NUL, and     |
//| exponential backoff with jitter.                                  |
//+------------------------------------------------------------------+
#property strict

#ifndef TICKENGINE_HTTP_MQH
#define TICKENGINE_HTTP_MQH

//--- Result of one request: HTTP status (or -1 when WebRequest failed), body and error text.
struct TeResponse
  {
   int               status;
   string            body;
   string            error;
   uint              roundTripMs;
  };

//--- Backoff state: the next attempt is not before nextAttemptMs (GetTickCount64 clock).
struct TeBackoff
  {
   ulong             nextAttemptMs;
   uint              delayMs;
  };

void TeBackoffReset(TeBackoff &b)
  {
   b.nextAttemptMs = 0;
   b.delayMs = 0;
  }

bool TeBackoffReady(const TeBackoff &b)
  {
   return GetTickCount64() >= b.nextAttemptMs;
  }

//--- After a failure: wait 0.5 s, 1 s, 2 s ... up to maxDelayMs, plus up to 50% jitter; Retry-After wins.
void TeBackoffFail(TeBackoff &b, const uint maxDelayMs, const int retryAfterS)
  {
   b.delayMs = (b.delayMs == 0) ? 500 : (uint)MathMin((double)b.delayMs * 2.0, (double)maxDelayMs);
   uint wait = b.delayMs + (uint)(MathRand() % (int)(b.delayMs / 2 + 1));
   if(retryAfterS > 0)
      wait = (uint)MathMax((double)wait, retryAfterS * 1000.0);
   b.nextAttemptMs = GetTickCount64() + wait;
  }

//--- UTF-8 bytes of a string WITHOUT the terminating NUL that StringToCharArray appends:
//--- a NUL at the end of a JSON body is invalid JSON (the engine tolerates it, other servers do not).
int TeUtf8(const string text, uchar &bytes[])
  {
   int n = StringToCharArray(text, bytes, 0, WHOLE_ARRAY, CP_UTF8);
   if(n > 0 && bytes[n - 1] == 0)
      n--;
   ArrayResize(bytes, n);
   return n;
  }

//--- Reads Retry-After (seconds) from raw response headers, 0 if absent.
int TeRetryAfter(const string headers)
  {
   string lower = headers;
   StringToLower(lower);
   int at = StringFind(lower, "retry-after:");
   if(at < 0)
      return 0;
   int end = StringFind(lower, "\r\n", at);
   string value = StringSubstr(lower, at + 12, end < 0 ? -1 : end - at - 12);
   StringTrimLeft(value);
   StringTrimRight(value);
   return (int)StringToInteger(value);
  }

//--- "http://host:port" of a URL: scheme, host and port, without the path.
string TeBaseUrl(const string url)
  {
   int scheme = StringFind(url, "://");
   int path = StringFind(url, "/", scheme < 0 ? 0 : scheme + 3);
   return path < 0 ? url : StringSubstr(url, 0, path);
  }

//--- One request. method is "GET" or "POST"; body is ignored for GET.
//--- The URL (scheme, host and port) must be in Tools > Options > Expert Advisors > "Allow WebRequest".
bool TeRequest(const string method, const string url, const string apiKey, const string contentType,
               const string body, const int timeoutMs, TeResponse &response, int &retryAfterS)
  {
   uchar data[];
   uchar result[];
   string resultHeaders;
   string headers = "X-API-Key: " + apiKey + "\r\n";
   if(method == "POST")
     {
      headers += "Content-Type: " + contentType + "\r\n";
      TeUtf8(body, data);
     }
   else
      ArrayResize(data, 0);
   ResetLastError();
   uint started = GetTickCount();
   int status = WebRequest(method, url, headers, timeoutMs, data, result, resultHeaders);
   response.roundTripMs = GetTickCount() - started;
   response.status = status;
   response.body = CharArrayToString(result, 0, WHOLE_ARRAY, CP_UTF8);
   retryAfterS = TeRetryAfter(resultHeaders);
   if(status == -1)
     {
      int code = GetLastError();
      response.error = "WebRequest failed, error " + IntegerToString(code)
                       + (code == 4014 ? " (add the URL to the WebRequest allow-list)" : "");
      return false;
     }
   response.error = (status >= 200 && status < 300) ? "" : ("HTTP " + IntegerToString(status) + " " + response.body);
   return status >= 200 && status < 300;
  }

#endif
