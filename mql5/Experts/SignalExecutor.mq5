//+------------------------------------------------------------------+
//| SignalExecutor.mq5 - trades the signals the Tick Engine queues.   |
//|                                                                  |
//| Polls GET /signals/next, checks the signal (symbol, expiry,       |
//| spread, size, price limits), trades it and reports with POST      |
//| /signals/ack. Every outcome is written to a file before the ack,  |
//| and the ack is sent again (after a restart too) until the engine  |
//| confirms it. Each order carries a short comment derived from the  |
//| signal id ("te:" + 16 hex digits of its FNV-1a hash, within MT5's |
//| 31 characters): a signal delivered again (an ack that was lost,   |
//| a restart, another terminal on the same account) is found by its  |
//| deal and never traded twice. A close signal closes only what this |
//| executor's signals opened, by position ticket, on netting and     |
//| hedging accounts alike.                                           |
//+------------------------------------------------------------------+
#property copyright "Tick Engine"
#property version   "2.00"
#property strict

#include <Trade/Trade.mqh>
#include <TickEngine/Http.mqh>
#include <TickEngine/Json.mqh>
#include <TickEngine/Symbols.mqh>

input string InpBaseUrl         = "http://127.0.0.1:18001"; // Engine base URL
input string InpApiKey          = "";      // API key (scope signals)
input string InpConsumer        = "";      // Consumer id; empty = "exec-" + account login
input string InpSymbolFilter    = "";      // Only this canonical symbol; empty = any
input string InpSymbolMap       = "";      // Broker=canonical names, e.g. EURUSD.m=EURUSD
input int    InpPollMs          = 1000;    // How often to ask for a signal
input long   InpMagic           = 26001;   // Magic number of the orders
input int    InpDeviationPoints = 20;      // Allowed slippage in points
input double InpMaxSize         = 1.0;     // Largest volume (lots) ever traded
input int    InpMaxSpreadPoints = 30;      // Refuse to trade above this spread
input int    InpTimeoutMs       = 5000;    // WebRequest timeout

CTrade    g_trade;
string    g_consumer;
string    g_journal;      // outcomes "signal_id;result;ticket;price;retcode;message;lease_id", and "signal_id;acked"
TeBackoff g_backoff;
long      g_executed = 0;
string    g_lastError = "";
//--- The journal in memory: one entry per signal with an outcome.
string    g_ids[];
string    g_results[];
ulong     g_tickets[];
double    g_prices[];
uint      g_retcodes[];
string    g_messages[];
string    g_leases[];     // the lease to ack with (the newest delivery's)
bool      g_acked[];      // the engine confirmed the ack (or answered that nothing more can be acked)

int OnInit()
  {
   g_consumer = InpConsumer != "" ? InpConsumer : "exec-" + IntegerToString(AccountInfoInteger(ACCOUNT_LOGIN));
   g_journal = "TickEngine\\executor_" + g_consumer + ".txt";
   g_trade.SetExpertMagicNumber((ulong)InpMagic);
   g_trade.SetDeviationInPoints((ulong)InpDeviationPoints);
   ArrayResize(g_ids, 0);   // globals outlive a chart or input change (OnDeinit, then OnInit)
   LoadJournal();
   TeBackoffReset(g_backoff);
   EventSetMillisecondTimer(MathMax(100, InpPollMs));
   PrintFormat("SignalExecutor started [consumer=%s, magic=%I64d, acksToResend=%d]", g_consumer, InpMagic,
               PendingAcks());
   return INIT_SUCCEEDED;
  }

void OnDeinit(const int reason)
  {
   EventKillTimer();
   Comment("");
  }

void OnTimer()
  {
   if(!TeBackoffReady(g_backoff))
      return;
   if(!ResendAcks())
     {
      ShowStatus();
      return;
     }
   string url = InpBaseUrl + "/signals/next?consumer=" + g_consumer
                + (InpSymbolFilter != "" ? "&symbol=" + InpSymbolFilter : "");
   TeResponse response;
   int retryAfter = 0;
   if(!TeRequest("GET", url, InpApiKey, "", "", InpTimeoutMs, response, retryAfter))
     {
      g_lastError = response.error;
      TeBackoffFail(g_backoff, 30000, retryAfter);
      ShowStatus();
      return;
     }
   TeBackoffReset(g_backoff);
   if(response.status == 200)
      Handle(response.body);
   ShowStatus();
  }

//--- "te:" + FNV-1a 64 of the signal id in 16 hex digits: 19 characters, the same in every terminal.
string TeSignalComment(const string signalId)
  {
   ulong hash = ((ulong)0xcbf29ce4 << 32) | (ulong)0x84222325;
   for(int i = 0; i < StringLen(signalId); i++)
     {
      hash ^= (ulong)StringGetCharacter(signalId, i);
      hash *= (ulong)0x100000001b3;
     }
   return "te:" + StringFormat("%016I64x", hash);
  }

//+------------------------------------------------------------------+
//| One leased signal: ack a known outcome again, or trade and ack.   |
//+------------------------------------------------------------------+
void Handle(const string json)
  {
   string signalId = TeJsonGetString(json, "signal_id");
   string leaseId  = TeJsonGetString(json, "lease_id");
   int k = Find(signalId);
   if(k < 0)
     {
      string result = "", message = "";
      ulong ticket = 0;
      double price = 0;
      uint retcode = 0;
      if(FindOwnDeal(signalId, ticket, price))
        {
         // Traded by an earlier run, or by another terminal on this account, that did not ack.
         result = "executed";
         retcode = TRADE_RETCODE_DONE;
         message = "found the deal of an earlier attempt";
        }
      else
         Execute(json, result, ticket, price, retcode, message);
      k = Record(signalId, result, ticket, price, retcode, message, leaseId);
     }
   else if(g_leases[k] != leaseId)
     {
      g_leases[k] = leaseId;   // delivered again: ack under the new lease
      g_acked[k] = false;
      WriteLine(Line(k));
     }
   Ack(k);
  }

void Execute(const string json, string &result, ulong &ticket, double &price, uint &retcode, string &message)
  {
   string symbol = TeBrokerSymbol(TeJsonGetString(json, "symbol"), InpSymbolMap);
   string side   = TeJsonGetString(json, "side");
   double size   = TeJsonGetDouble(json, "size", 0);
   double sl     = TeJsonGetDouble(json, "sl", 0);
   double tp     = TeJsonGetDouble(json, "tp", 0);
   double minPx  = TeJsonGetDouble(json, "price_min", 0);
   double maxPx  = TeJsonGetDouble(json, "price_max", 0);
   long validUntil = TeJsonGetLong(json, "valid_until", 0);
   string signalId = TeJsonGetString(json, "signal_id");
   ticket = 0;
   price = 0;
   retcode = 0;
   result = "rejected";
   if(!SymbolSelect(symbol, true))
     {
      message = "unknown symbol " + symbol;
      return;
     }
   if((long)TimeGMT() * 1000 >= validUntil)
     {
      message = "expired";
      return;
     }
   long spread = SymbolInfoInteger(symbol, SYMBOL_SPREAD);
   if(spread > InpMaxSpreadPoints)
     {
      message = "spread " + IntegerToString(spread) + " points above " + IntegerToString(InpMaxSpreadPoints);
      return;
     }
   string comment = TeSignalComment(signalId);
   if(side == "close")
     {
      CloseOwn(symbol, comment, result, ticket, price, retcode, message);
      return;
     }
   double volume = 0;
   if(!NormalVolume(symbol, size, volume, message))
      return;
   double ask = SymbolInfoDouble(symbol, SYMBOL_ASK);
   double bid = SymbolInfoDouble(symbol, SYMBOL_BID);
   double fill = side == "buy" ? ask : bid;
   if((minPx > 0 && fill < minPx) || (maxPx > 0 && fill > maxPx))
     {
      message = "price " + DoubleToString(fill, 8) + " outside the signal's limits";
      return;
     }
   sl = NormalPrice(symbol, sl);
   tp = NormalPrice(symbol, tp);
   g_trade.SetTypeFillingBySymbol(symbol);
   bool sent;
   if(side == "buy")
      sent = g_trade.Buy(volume, symbol, 0.0, sl, tp, comment);
   else
      sent = g_trade.Sell(volume, symbol, 0.0, sl, tp, comment);
   retcode = g_trade.ResultRetcode();
   ticket = g_trade.ResultDeal() != 0 ? g_trade.ResultDeal() : g_trade.ResultOrder();
   price = g_trade.ResultPrice();
   message = g_trade.ResultRetcodeDescription();
   result = (sent && (retcode == TRADE_RETCODE_DONE || retcode == TRADE_RETCODE_PLACED)) ? "executed" : "failed";
   if(result == "executed")
      g_executed++;
  }

//--- The signal's size in lots, down to the symbol's volume step (0.3 stays 0.3: the division is nudged before
//--- the floor and the result normalised), within SYMBOL_VOLUME_MIN, SYMBOL_VOLUME_MAX and InpMaxSize.
bool NormalVolume(const string symbol, const double size, double &volume, string &message)
  {
   double step = SymbolInfoDouble(symbol, SYMBOL_VOLUME_STEP);
   double vmin = SymbolInfoDouble(symbol, SYMBOL_VOLUME_MIN);
   double vmax = SymbolInfoDouble(symbol, SYMBOL_VOLUME_MAX);
   if(size > InpMaxSize)
     {
      message = "size " + DoubleToString(size, 8) + " above InpMaxSize " + DoubleToString(InpMaxSize, 8);
      return false;
     }
   volume = size;
   if(step > 0)
      volume = MathFloor(size / step + 1e-7) * step;
   volume = NormalizeDouble(volume, StepDigits(step));
   if(volume < vmin || (vmax > 0 && volume > vmax))
     {
      message = "volume " + DoubleToString(volume, 8) + " outside [" + DoubleToString(vmin, 8) + ", "
                + DoubleToString(vmax, 8) + "] of " + symbol;
      return false;
     }
   return true;
  }

//--- Decimal places of a volume step: 0.01 -> 2, 0.1 -> 1, 1 -> 0.
int StepDigits(const double step)
  {
   int digits = 0;
   double s = step;
   while(digits < 8 && s > 0 && MathAbs(s - MathRound(s)) > 1e-9)
     {
      s *= 10;
      digits++;
     }
   return digits;
  }

//--- A stop price on the symbol's tick size and digits; 0 (none) stays 0.
double NormalPrice(const string symbol, const double value)
  {
   if(value <= 0)
      return 0;
   int digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
   double tick = SymbolInfoDouble(symbol, SYMBOL_TRADE_TICK_SIZE);
   double p = tick > 0 ? MathRound(value / tick) * tick : value;
   return NormalizeDouble(p, digits);
  }

//+------------------------------------------------------------------+
//| A close signal takes out what this executor's signals put on the  |
//| symbol, nothing else: on a hedging account each of its positions  |
//| (by magic) is closed by ticket; on a netting account one deal of  |
//| its own net volume (from its deals in the position) goes against |
//| the position by ticket, so a manual part stays.                    |
//+------------------------------------------------------------------+
void CloseOwn(const string symbol, const string comment, string &result, ulong &ticket, double &price,
              uint &retcode, string &message)
  {
   result = "rejected";
   message = "no position of this executor on " + symbol;
   bool hedging = AccountInfoInteger(ACCOUNT_MARGIN_MODE) == ACCOUNT_MARGIN_MODE_RETAIL_HEDGING;
   if(hedging)
     {
      for(int i = PositionsTotal() - 1; i >= 0; i--)
        {
         ulong position = PositionGetTicket(i);
         if(position == 0 || PositionGetString(POSITION_SYMBOL) != symbol
            || PositionGetInteger(POSITION_MAGIC) != InpMagic)
            continue;
         bool buy = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY;
         if(!CloseDeal(symbol, position, buy, PositionGetDouble(POSITION_VOLUME), comment, result, ticket, price,
                       retcode, message))
            return;
        }
      return;
     }
   if(!PositionSelect(symbol))
      return;
   ulong position = (ulong)PositionGetInteger(POSITION_TICKET);
   double own = OwnVolume(symbol, PositionGetInteger(POSITION_IDENTIFIER));
   if(MathAbs(own) < 1e-9)
      return;
   double volume = NormalizeDouble(MathAbs(own), StepDigits(SymbolInfoDouble(symbol, SYMBOL_VOLUME_STEP)));
   CloseDeal(symbol, position, own > 0, volume, comment, result, ticket, price, retcode, message);
  }

//--- Net lots this executor's deals (its magic) put into a position: buys plus, sells minus.
double OwnVolume(const string symbol, const long positionId)
  {
   double own = 0;
   if(!HistorySelectByPosition(positionId))
      return 0;
   for(int i = 0; i < HistoryDealsTotal(); i++)
     {
      ulong deal = HistoryDealGetTicket(i);
      if(HistoryDealGetInteger(deal, DEAL_MAGIC) != InpMagic || HistoryDealGetString(deal, DEAL_SYMBOL) != symbol)
         continue;
      long type = HistoryDealGetInteger(deal, DEAL_TYPE);
      double v = HistoryDealGetDouble(deal, DEAL_VOLUME);
      if(type == DEAL_TYPE_BUY)
         own += v;
      else if(type == DEAL_TYPE_SELL)
         own -= v;
     }
   return own;
  }

//--- One market deal against a position (by its ticket), of the given volume.
bool CloseDeal(const string symbol, const ulong position, const bool positionIsBuy, const double volume,
               const string comment, string &result, ulong &ticket, double &price, uint &retcode, string &message)
  {
   MqlTradeRequest request;
   MqlTradeResult answer;
   ZeroMemory(request);
   ZeroMemory(answer);
   request.action = TRADE_ACTION_DEAL;
   request.position = position;
   request.symbol = symbol;
   request.volume = volume;
   request.type = positionIsBuy ? ORDER_TYPE_SELL : ORDER_TYPE_BUY;
   request.price = positionIsBuy ? SymbolInfoDouble(symbol, SYMBOL_BID) : SymbolInfoDouble(symbol, SYMBOL_ASK);
   request.deviation = (ulong)InpDeviationPoints;
   request.magic = (ulong)InpMagic;
   request.comment = comment;
   request.type_filling = Filling(symbol);
   bool sent = OrderSend(request, answer);
   retcode = answer.retcode;
   ticket = answer.deal != 0 ? answer.deal : answer.order;
   price = answer.price;
   message = answer.comment;
   result = (sent && (retcode == TRADE_RETCODE_DONE || retcode == TRADE_RETCODE_PLACED)) ? "executed" : "failed";
   if(result == "executed")
      g_executed++;
   return result == "executed";
  }

ENUM_ORDER_TYPE_FILLING Filling(const string symbol)
  {
   long modes = SymbolInfoInteger(symbol, SYMBOL_FILLING_MODE);
   if((modes & SYMBOL_FILLING_FOK) != 0)
      return ORDER_FILLING_FOK;
   if((modes & SYMBOL_FILLING_IOC) != 0)
      return ORDER_FILLING_IOC;
   return ORDER_FILLING_RETURN;
  }

//+------------------------------------------------------------------+
//| Acks: sent, and sent again on every timer until the engine        |
//| answers 200 (recorded or repeated), 404 or 409 (the lease went to |
//| someone else: our record still keeps us from trading again).      |
//+------------------------------------------------------------------+
bool Ack(const int k)
  {
   string body = TeJsonAck(g_ids[k], g_leases[k], g_consumer, g_results[k], g_tickets[k], g_prices[k],
                           g_retcodes[k], g_messages[k]);
   TeResponse response;
   int retryAfter = 0;
   bool ok = TeRequest("POST", InpBaseUrl + "/signals/ack", InpApiKey, "application/json", body, InpTimeoutMs, response,
                       retryAfter);
   if(ok || response.status == 404 || response.status == 409)
     {
      if(!ok)
         g_lastError = "ack of " + g_ids[k] + ": " + response.error;
      g_acked[k] = true;
      WriteLine(g_ids[k] + ";acked");
      return true;
     }
   g_lastError = "ack of " + g_ids[k] + " not confirmed, sent again: " + response.error;
   TeBackoffFail(g_backoff, 30000, retryAfter);
   return false;
  }

bool ResendAcks()
  {
   for(int k = 0; k < ArraySize(g_ids); k++)
      if(!g_acked[k] && !Ack(k))
         return false;
   return true;
  }

int PendingAcks()
  {
   int n = 0;
   for(int k = 0; k < ArraySize(g_ids); k++)
      if(!g_acked[k])
         n++;
   return n;
  }

//+------------------------------------------------------------------+
//| The journal: read once at start, appended to after.               |
//+------------------------------------------------------------------+
int Find(const string signalId)
  {
   for(int k = ArraySize(g_ids) - 1; k >= 0; k--)
      if(g_ids[k] == signalId)
         return k;
   return -1;
  }

int Add(const string signalId)
  {
   int k = ArraySize(g_ids);
   ArrayResize(g_ids, k + 1);
   ArrayResize(g_results, k + 1);
   ArrayResize(g_tickets, k + 1);
   ArrayResize(g_prices, k + 1);
   ArrayResize(g_retcodes, k + 1);
   ArrayResize(g_messages, k + 1);
   ArrayResize(g_leases, k + 1);
   ArrayResize(g_acked, k + 1);
   g_ids[k] = signalId;
   g_acked[k] = false;
   return k;
  }

string Line(const int k)
  {
   string clean = g_messages[k];
   StringReplace(clean, ";", ",");
   StringReplace(clean, "\n", " ");
   return g_ids[k] + ";" + g_results[k] + ";" + IntegerToString((long)g_tickets[k]) + ";"
          + DoubleToString(g_prices[k], 8) + ";" + IntegerToString((long)g_retcodes[k]) + ";" + clean + ";"
          + g_leases[k];
  }

int Record(const string signalId, const string result, const ulong ticket, const double price, const uint retcode,
           const string message, const string leaseId)
  {
   int k = Add(signalId);
   g_results[k] = result;
   g_tickets[k] = ticket;
   g_prices[k] = price;
   g_retcodes[k] = retcode;
   g_messages[k] = message;
   g_leases[k] = leaseId;
   WriteLine(Line(k));
   return k;
  }

void WriteLine(const string line)
  {
   int h = FileOpen(g_journal, FILE_READ | FILE_WRITE | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
     {
      g_lastError = "cannot write " + g_journal + ", error " + IntegerToString(GetLastError());
      return;
     }
   FileSeek(h, 0, SEEK_END);
   FileWriteString(h, line + "\n");
   FileClose(h);
  }

void LoadJournal()
  {
   if(!FileIsExist(g_journal))
      return;
   int h = FileOpen(g_journal, FILE_READ | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
      return;
   while(!FileIsEnding(h))
     {
      string parts[];
      int n = StringSplit(FileReadString(h), ';', parts);
      if(n == 2 && parts[1] == "acked")
        {
         int a = Find(parts[0]);
         if(a >= 0)
            g_acked[a] = true;
         continue;
        }
      if(n < 6)
         continue;
      int k = Find(parts[0]);
      if(k < 0)
         k = Add(parts[0]);
      g_results[k] = parts[1];
      g_tickets[k] = (ulong)StringToInteger(parts[2]);
      g_prices[k] = StringToDouble(parts[3]);
      g_retcodes[k] = (uint)StringToInteger(parts[4]);
      g_messages[k] = parts[5];
      g_leases[k] = n >= 7 ? parts[6] : "";
      g_acked[k] = n < 7;   // version 1's lines carry no lease: nothing to resend
     }
   FileClose(h);
  }

//--- A deal of ours whose comment is the signal's (last 7 days of history).
bool FindOwnDeal(const string signalId, ulong &ticket, double &price)
  {
   if(!HistorySelect(TimeCurrent() - 7 * 86400, TimeCurrent() + 60))
      return false;
   string comment = TeSignalComment(signalId);
   for(int i = HistoryDealsTotal() - 1; i >= 0; i--)
     {
      ulong deal = HistoryDealGetTicket(i);
      if(HistoryDealGetInteger(deal, DEAL_MAGIC) == InpMagic && HistoryDealGetString(deal, DEAL_COMMENT) == comment)
        {
         ticket = deal;
         price = HistoryDealGetDouble(deal, DEAL_PRICE);
         return true;
        }
     }
   return false;
  }

void ShowStatus()
  {
   Comment(StringFormat("SignalExecutor [%s]\nexecuted: %I64d   acks to resend: %d   last error: %s", g_consumer,
                        g_executed, PendingAcks(), g_lastError == "" ? "none" : g_lastError));
  }
//+------------------------------------------------------------------+
