//+------------------------------------------------------------------+
//| BackfillHistory.mq5 - sends a date range of history to the Tick   |
//| Engine: ticks (CopyTicksRange -> /ingest/tick) or bars            |
//| (CopyRates -> /ingest), in batches, with progress.                |
//| Ticks carry source "bf-<symbol>" and seq = server day * 10^7 + the|
//| tick's place in that day: sending a range again adds nothing.     |
//| Send ranges oldest first: a seq below what the engine has from    |
//| that source is taken for a duplicate (use another InpSource).     |
//| Every tick and bar is converted to UTC with the offset in force at|
//| its own time (InpServerTz: NY+7, Europe/Athens, UTC+2), so a range|
//| across a daylight-saving switch is right on both sides. Defaults: |
//| the last day before now, to the edge agent.                       |
//+------------------------------------------------------------------+
#property copyright "Tick Engine"
#property version   "1.00"
#property script_show_inputs
#property strict

#include <TickEngine/Http.mqh>
#include <TickEngine/Json.mqh>
#include <TickEngine/Symbols.mqh>
#include <TickEngine/ServerTime.mqh>

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
input datetime        InpFrom            = 0;         // From (server time); 0 = one day before InpTo
input datetime        InpTo              = 0;         // To (server time); 0 = now
input ENUM_TIMEFRAMES InpTimeframe       = PERIOD_M1; // Bars: timeframe
input int             InpBatch           = 1000;      // Ticks or bars per request
input string          InpServerTz        = "";        // Broker time zone: NY+7, Europe/Athens, UTC+2; empty = today's offset
input int             InpTimeoutMs       = 15000;     // WebRequest timeout
input string          InpSource          = "";        // Ticks: source id; empty = "bf-" + symbol

TeServerTz g_tz;
datetime   g_from;
datetime   g_to;
string     g_progress = "";
int        g_below = 0;      // batches the engine answered 409 (sent before under this source)

void OnStart()
  {
   string symbol = InpSymbol != "" ? InpSymbol : _Symbol;
   g_to = InpTo != 0 ? InpTo : TimeTradeServer();
   g_from = InpFrom != 0 ? InpFrom : g_to - 86400;
   bool ok = UseServerTz() && Post("/symbols", "[" + TeJsonSymbol(symbol, TeSafeSymbol(symbol), TeCanonical(symbol, InpSymbolMap)) + "]");
   if(ok)
      ok = InpMode == TE_TICKS ? SendTicks(symbol) : SendBars(symbol);
   Progress(StringFormat("BackfillHistory %s [symbol=%s, from=%s, to=%s]: %s%s", ok ? "done" : "stopped", symbol,
                         TimeToString(g_from), TimeToString(g_to), g_progress,
                         g_below > 0 ? StringFormat(", %d batches sent before under this source", g_below) : ""));
  }

//--- The progress line on the chart, also in the Experts log.
void Progress(const string line)
  {
   Comment(line);
   Print(line);
  }

//--- InpServerTz, checked against the server clock now: a rule that disagrees would shift every time sent.
//--- Without a rule, one offset (today's, measured) serves the whole range: right unless it spans a switch.
bool UseServerTz()
  {
   if(!TeParseServerTz(InpServerTz, g_tz))
     {
      Progress(StringFormat("BackfillHistory: unknown time zone [value=%s, expected=NY+7, an IANA id such as "
                            + "Europe/Athens, or a fixed offset such as UTC+2]", InpServerTz));
      return false;
     }
   int measuredS = TeMeasuredOffsetSeconds();
   if(g_tz.kind == TE_TZ_MEASURED)
     {
      g_tz.kind = TE_TZ_FIXED;
      g_tz.standardS = measuredS;
      PrintFormat("BackfillHistory: no InpServerTz, every time converted with today's offset (%d min); set "
                  + "InpServerTz (NY+7 for most brokers) for a range across a daylight-saving switch", measuredS / 60);
      return true;
     }
   int ruleS = TeOffsetAtUtc(g_tz, (long)TimeGMT());
   if(ruleS != measuredS)
     {
      Progress(StringFormat("BackfillHistory: InpServerTz=%s gives UTC%+d min now, the server clock is at UTC%+d "
                            + "min: nothing sent", g_tz.id, ruleS / 60, measuredS / 60));
      return false;
     }
   return true;
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
      if(response.status == 409)
        {
         // Seqs below the engine's duplicate window for this source: sent before (or an older gap: InpSource).
         g_below++;
         return true;
        }
      if(response.status == 400 || response.status == 401 || response.status == 403 || response.status == 413)
         return false;
      TeBackoffFail(backoff, 30000, retryAfter);
     }
   return false;
  }

//--- A tick's seq: its server day and its place in that day, so the same tick gets the same seq whatever range it
//--- is sent in, and the seqs of one batch lie close together (the engine's duplicate window is 32768 seqs wide).
#define TE_SEQ_PER_DAY 10000000

bool SendTicks(const string symbol)
  {
   string canonical = TeCanonical(symbol, InpSymbolMap);
   string source = InpSource != "" ? InpSource : StringSubstr("bf-" + canonical, 0, 32);
   int digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
   long from = (long)g_from * 1000;
   long to = (long)g_to * 1000;
   long sent = 0;
   long prevUtc = 0;
   // Whole server days, one at a time: CopyTicksRange loads history lazily and large ranges may fail, and a tick's
   // place in its day must not depend on where the range starts.
   for(long dayStart = from - from % 86400000; dayStart < to && !IsStopped(); dayStart += 86400000)
     {
      MqlTick ticks[];
      int n = CopyTicksRange(symbol, ticks, COPY_TICKS_ALL, (ulong)dayStart, (ulong)(dayStart + 86400000 - 1));
      if(n < 0 || n >= TE_SEQ_PER_DAY)
        {
         PrintFormat("BackfillHistory: CopyTicksRange failed [n=%d, error=%d]", n, GetLastError());
         return false;
        }
      string body = "";
      int inBatch = 0;
      for(int k = 0; k < n; k++)
        {
         if(ticks[k].time_msc < from || ticks[k].time_msc >= to)
            continue;
         long seq = dayStart / 86400000 * TE_SEQ_PER_DAY + k + 1;
         long utc = TeServerToUtcMsc(g_tz, ticks[k].time_msc, prevUtc);
         prevUtc = utc;
         body += (inBatch == 0 ? "[" : ",")
                 + TeJsonTick(canonical, ticks[k], utc, digits, source, seq, (int)((ticks[k].time_msc - utc) / 1000));
         inBatch++;
         if(inBatch == InpBatch)
           {
            if(!Post("/ingest/tick", body + "]"))
               return false;
            sent += inBatch;
            body = "";
            inBatch = 0;
            TicksProgress(sent, ticks[k].time_msc, from, to);
           }
        }
      if(inBatch > 0)
        {
         if(!Post("/ingest/tick", body + "]"))
            return false;
         sent += inBatch;
        }
      TicksProgress(sent, MathMin(to, dayStart + 86400000), from, to);
     }
   return true;
  }

void TicksProgress(const long sent, const long atMsc, const long from, const long to)
  {
   g_progress = StringFormat("%I64d ticks sent (%.0f%%)", sent,
                             100.0 * (double)(MathMax(atMsc, from) - from) / (double)MathMax(1, to - from));
   Comment("BackfillHistory: " + g_progress);
  }

bool SendBars(const string symbol)
  {
   string canonical = TeCanonical(symbol, InpSymbolMap);
   string tf = StringSubstr(EnumToString(InpTimeframe), 7); // PERIOD_M1 -> M1
   int digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
   double point = SymbolInfoDouble(symbol, SYMBOL_POINT);
   MqlRates rates[];
   int n = CopyRates(symbol, InpTimeframe, g_from, g_to, rates);
   if(n < 0)
     {
      PrintFormat("BackfillHistory: CopyRates failed, error %d", GetLastError());
      return false;
     }
   // Only closed bars: the bar still forming at the range's end would replace the engine's with a part of it.
   while(n > 0 && (long)rates[n - 1].time + PeriodSeconds(InpTimeframe) > (long)g_to)
      n--;
   string body = "";
   int inBatch = 0;
   long prevUtc = 0;
   for(int k = 0; k < n && !IsStopped(); k++)
     {
      long utc = TeServerToUtcMsc(g_tz, (long)rates[k].time * 1000, prevUtc);
      prevUtc = utc;
      body += (inBatch == 0 ? "[" : ",") + TeJsonBar(canonical, tf, rates[k], utc, digits, point);
      inBatch++;
      if(inBatch == InpBatch || k == n - 1)
        {
         if(!Post("/ingest", body + "]"))
            return false;
         body = "";
         inBatch = 0;
         g_progress = StringFormat("%d of %d bars sent (%.0f%%)", k + 1, n, 100.0 * (k + 1) / n);
         Comment("BackfillHistory: " + g_progress);
        }
     }
   return true;
  }
//+------------------------------------------------------------------+
