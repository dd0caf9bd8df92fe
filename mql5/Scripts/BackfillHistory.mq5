//+------------------------------------------------------------------+
//| BackfillHistory.mq5 - sends a date range of history to the Tick   |
//| Engine: ticks (CopyTicksRange -> /ingest/tick) or bars            |
//| (CopyRates -> /ingest), in batches, with progress.                |
//| Ticks carry source "bf-<symbol>" and seq = time_msc * 1000 + the  |
//| tick's position within its millisecond: sending a range again adds|
//| nothing. Send ranges oldest first: a seq below what the engine has|
//| from that source is taken for a duplicate (use another InpSource).|
//+------------------------------------------------------------------+
#property copyright "Tick Engine"
#property version   "1.00"
#property script_show_inputs
#property strict

#include <TickEngine/Http.mqh>
#include <TickEngine/Json.mqh>
#include <TickEngine/Symbols.mqh>

enum TeBackfillMode
  {
   TE_TICKS = 0, // Ticks
   TE_BARS  = 1  // Bars
  };

input string          InpBaseUrl         = "http://127.0.0.1:18000"; // Edge agent or engine base URL
input string          InpApiKey          = "";        // API key (scope ingest)
input TeBackfillMode  InpMode            = TE_TICKS;  // What to send
input string          InpSymbol          = "";        // Symbol; empty = the chart's
input string          InpSymbolMap       = "";        // Broker=canonical names, e.g. EURUSD.m=EURUSD
input datetime        InpFrom            = D'2026.07.13 00:00'; // From (server time)
input datetime        InpTo              = D'2026.07.14 00:00'; // To (server time)
input ENUM_TIMEFRAMES InpTimeframe       = PERIOD_M1; // Bars: timeframe
input int             InpBatch           = 1000;      // Ticks or bars per request
input int             InpServerOffsetMin = 0;         // Broker server time minus UTC in minutes; 0 = measure
input int             InpTimeoutMs       = 15000;     // WebRequest timeout
input string          InpSource          = "";        // Ticks: source id; empty = "bf-" + symbol

void OnStart()
  {
   string symbol = InpSymbol != "" ? InpSymbol : _Symbol;
   int offsetS = TeServerOffsetSeconds(InpServerOffsetMin);
   bool ok = InpMode == TE_TICKS ? SendTicks(symbol, offsetS) : SendBars(symbol, offsetS);
   Comment("");
   PrintFormat("BackfillHistory %s [symbol=%s]", ok ? "done" : "stopped", symbol);
  }

//--- Sends one body, retrying with backoff (up to 10 attempts) on failures that may pass.
bool Post(const string path, const string body)
  {
   TeBackoff backoff;
   TeBackoffReset(backoff);
   for(int attempt = 0; attempt < 10 && !IsStopped(); attempt++)
     {
      while(!TeBackoffReady(backoff) && !IsStopped())
         Sleep(50);
      TeResponse response;
      int retryAfter = 0;
      if(TeRequest("POST", InpBaseUrl + path, InpApiKey, "application/json", body, InpTimeoutMs, response, retryAfter))
         return true;
      PrintFormat("BackfillHistory: %s", response.error);
      if(response.status == 400 || response.status == 401 || response.status == 403 || response.status == 413)
         return false;
      TeBackoffFail(backoff, 30000, retryAfter);
     }
   return false;
  }

bool SendTicks(const string symbol, const int offsetS)
  {
   string canonical = TeCanonical(symbol, InpSymbolMap);
   string source = InpSource != "" ? InpSource : StringSubstr("bf-" + canonical, 0, 32);
   int digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
   ulong from = (ulong)InpFrom * 1000;
   ulong to = (ulong)InpTo * 1000;
   long sent = 0;
   // One day at a time: CopyTicksRange loads history lazily and large ranges may fail.
   for(ulong dayStart = from; dayStart < to && !IsStopped(); dayStart += 86400000)
     {
      MqlTick ticks[];
      ulong dayEnd = MathMin(to, dayStart + 86400000) - 1;
      int n = CopyTicksRange(symbol, ticks, COPY_TICKS_ALL, dayStart, dayEnd);
      if(n < 0)
        {
         PrintFormat("BackfillHistory: CopyTicksRange failed, error %d", GetLastError());
         return false;
        }
      string body = "";
      int inBatch = 0;
      int inMillisecond = 0;
      for(int k = 0; k < n; k++)
        {
         // seq from the tick's own time: the same tick gets the same seq whatever range it is sent in.
         inMillisecond = (k > 0 && ticks[k].time_msc == ticks[k - 1].time_msc) ? inMillisecond + 1 : 0;
         long seq = ticks[k].time_msc * 1000 + inMillisecond;
         body += (inBatch == 0 ? "[" : ",")
                 + TeJsonTick(canonical, ticks[k], ticks[k].time_msc - (long)offsetS * 1000, digits, source, seq,
                              offsetS);
         inBatch++;
         if(inBatch == InpBatch || k == n - 1)
           {
            if(!Post("/ingest/tick", body + "]"))
               return false;
            sent += inBatch;
            body = "";
            inBatch = 0;
            Comment(StringFormat("BackfillHistory: %I64d ticks sent (%.0f%%)", sent,
                                 100.0 * (double)(dayEnd - from) / (double)MathMax(1, to - from)));
           }
        }
     }
   return true;
  }

bool SendBars(const string symbol, const int offsetS)
  {
   string canonical = TeCanonical(symbol, InpSymbolMap);
   string tf = StringSubstr(EnumToString(InpTimeframe), 7); // PERIOD_M1 -> M1
   int digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
   double point = SymbolInfoDouble(symbol, SYMBOL_POINT);
   MqlRates rates[];
   int n = CopyRates(symbol, InpTimeframe, InpFrom, InpTo, rates);
   if(n < 0)
     {
      PrintFormat("BackfillHistory: CopyRates failed, error %d", GetLastError());
      return false;
     }
   string body = "";
   int inBatch = 0;
   for(int k = 0; k < n && !IsStopped(); k++)
     {
      body += (inBatch == 0 ? "[" : ",")
              + TeJsonBar(canonical, tf, rates[k], ((long)rates[k].time - offsetS) * 1000, digits, point);
      inBatch++;
      if(inBatch == InpBatch || k == n - 1)
        {
         if(!Post("/ingest", body + "]"))
            return false;
         body = "";
         inBatch = 0;
         Comment(StringFormat("BackfillHistory: %d of %d bars sent (%.0f%%)", k + 1, n, 100.0 * (k + 1) / n));
        }
     }
   return true;
  }
//+------------------------------------------------------------------+
